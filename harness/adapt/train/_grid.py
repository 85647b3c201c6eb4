"""Run every trial (one per grid point), keep each one's record, pick the lowest validation loss.

A finished trial leaves ``result.json`` next to its adapter, so a rerun after an interruption skips it.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path

from harness.adapt._types import EpochRecord, Hyperparams, TrainOutcome, Trial
from harness.errors import HarnessError

__all__ = ["TrainOne", "run_trials"]

TrainOne = Callable[[Hyperparams, Path], TrainOutcome]


def run_trials(points: Sequence[Hyperparams], train_one: TrainOne, work_root: Path) -> tuple[list[Trial], TrainOutcome]:
    """Train each point in ``work_root/trial-<i>``; return all trial records and the best outcome."""
    outcomes = [_trained(hp, train_one, work_root / f"trial-{i}") for i, hp in enumerate(points)]
    trials = [_trial(i, o) for i, o in enumerate(outcomes)]
    finite = [o for o in outcomes if math.isfinite(o.best_val_loss)]
    if not finite:
        raise HarnessError("every training trial ended without a finite validation loss; check the data and lr")
    return trials, min(finite, key=lambda o: o.best_val_loss)


def _trained(hp: Hyperparams, train_one: TrainOne, work_dir: Path) -> TrainOutcome:
    done = _load(work_dir)
    if done is not None and done.hyperparams == hp:
        return done
    outcome = train_one(hp, work_dir)
    _save(outcome, work_dir)
    return outcome


def _trial(index: int, o: TrainOutcome) -> Trial:
    return Trial(
        index=index,
        hyperparams=o.hyperparams,
        val_loss=o.best_val_loss,
        train_loss=o.final_train_loss,
        runtime_s=o.runtime_s,
        best_epoch=o.best_epoch,
    )


def _save(outcome: TrainOutcome, work_dir: Path) -> None:
    payload = dataclasses.asdict(outcome) | {"adapter_dir": str(outcome.adapter_dir)}
    (work_dir / "result.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")


def _load(work_dir: Path) -> TrainOutcome | None:
    path = work_dir / "result.json"
    if not path.is_file() or not (work_dir / "adapter" / "adapter_model.safetensors").is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["hyperparams"] = Hyperparams(**data["hyperparams"])
        data["epochs"] = tuple(EpochRecord(**e) for e in data["epochs"])
        data["adapter_dir"] = Path(data["adapter_dir"])
        return TrainOutcome(**data)
    except (ValueError, TypeError, KeyError):
        return None  # an unreadable record just means the trial runs again
