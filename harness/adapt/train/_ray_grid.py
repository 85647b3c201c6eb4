"""The LoRA grid search on Ray Tune: the same trials, records and choice as ``run_trials``, scheduled by Ray.

Each Ray trial runs one grid point through the same resumable step as the local runner (``trial-<i>/`` under
``work_root``, ``result.json`` next to the adapter), so a finished trial is skipped on a rerun whichever runner
ran it. When Tune is done, the records are read back by ``run_trials`` itself: both runners return the same
``Trial`` list and pick the same best outcome.

Ray runs on a private local instance (``ray_address: null``) or on the cluster at ``ray_address``. On a
multi-node cluster ``work_root`` (inside the harness cache) must be on a filesystem every node mounts at the same
path: trials write their adapters there and the driver reads them back (Ray Tune needs the same of its
``storage_path``, which is kept there too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.adapt._types import Hyperparams, TrainOutcome, Trial
from harness.adapt.train._grid import TrainOne, _trained, run_trials
from harness.config import GridConfig
from harness.errors import HarnessError
from harness.scale import ray_connection, require_ray

__all__ = ["GridRunner", "grid_runner", "run_trials_ray"]

GridRunner = Callable[[Sequence[Hyperparams], TrainOne, Path], tuple[list[Trial], TrainOutcome]]


def grid_runner(grid: GridConfig) -> GridRunner:
    """``run_trials`` for ``backend: local``; the Ray Tune runner, bound to the grid's Ray settings, for ``ray``."""
    if grid.backend == "local":
        return run_trials
    return functools.partial(
        run_trials_ray,
        address=grid.ray_address,
        cpus_per_trial=grid.ray_cpus_per_trial,
        gpus_per_trial=grid.ray_gpus_per_trial,
    )


def run_trials_ray(
    points: Sequence[Hyperparams],
    train_one: TrainOne,
    work_root: Path,
    *,
    address: str | None = None,
    cpus_per_trial: float = 1.0,
    gpus_per_trial: float = 0.0,
) -> tuple[list[Trial], TrainOutcome]:
    """Train every point as a Ray Tune trial in ``work_root/trial-<i>``; return all records and the best outcome."""
    tune = require_ray("ray.tune")
    root = Path(work_root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    with ray_connection(address):
        trainable = tune.with_parameters(_trial, points=list(points), train_one=train_one, work_root=root)
        tuner = tune.Tuner(
            tune.with_resources(trainable, {"cpu": cpus_per_trial, "gpu": gpus_per_trial}),
            param_space={"index": tune.grid_search(list(range(len(points))))},
            tune_config=tune.TuneConfig(metric="val_loss", mode="min", reuse_actors=False),
            run_config=tune.RunConfig(name="grid", storage_path=str(root / "ray"), verbose=0),
        )
        results = tuner.fit()
    failed = sorted((int(r.config["index"]), _cause(r.error)) for r in results if r.error is not None)
    if failed:
        index, error = failed[0]
        raise HarnessError(
            f"{len(failed)} of {len(points)} grid trials failed on Ray; first: trial {index} {points[index]}: "
            f"{error} (trial logs under {root / 'ray'})"
        )
    return run_trials(points, _not_on_driver, root)


def _cause(error: BaseException) -> str:
    """The trial's own exception, without Ray's wrapping (traceback text, colour codes)."""
    cause = getattr(error, "cause", None)
    found = cause if isinstance(cause, BaseException) else error
    return f"{type(found).__name__}: {found}".splitlines()[0]


def _trial(config: dict[str, Any], *, points: list[Hyperparams], train_one: TrainOne, work_root: Path) -> None:
    """One Ray trial: the local runner's resumable step, then the numbers Tune ranks by."""
    from ray import tune

    index = int(config["index"])
    outcome = _trained(points[index], train_one, work_root / f"trial-{index}")
    tune.report({"val_loss": outcome.best_val_loss, "train_loss": outcome.final_train_loss, "steps": outcome.steps})


def _not_on_driver(hp: Hyperparams, work_dir: Path) -> TrainOutcome:
    raise HarnessError(
        f"grid trial {hp} left no result in {work_dir} although Ray reported it finished; on a multi-node cluster "
        "the harness cache must be on a filesystem every node mounts at the same path"
    )
