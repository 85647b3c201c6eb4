"""What one stored condition gives MLflow: params, metrics, gate outcomes, the loss curve and its files.

Built from the run's files (``run.json``, each condition's ``result.json`` / ``results.jsonl``), never from live
objects, so a merged pytest-xdist run and ``harness run`` track the same thing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import DataError
from harness.results import ConditionEntry, LossPoint, RunIndex, loss_curve, read_condition
from harness.tracking._flatten import flatten

__all__ = ["TrackedCondition", "tracked_conditions"]


@dataclass(frozen=True, kw_only=True)
class TrackedCondition:
    label: str
    params: Mapping[str, str]
    metrics: Mapping[str, float]
    loss_curve: tuple[LossPoint, ...]
    tags: Mapping[str, str]
    files: tuple[Path, ...]  # the condition's own result files


def tracked_conditions(run_dir: Path, index: RunIndex) -> list[TrackedCondition]:
    """Every condition of ``index`` that ended ``ok``, read from its stored files."""
    tracked = []
    for label, status in index.conditions.items():
        if status.status == "ok" and status.dir:
            tracked.append(_tracked(Path(status.dir), label, index.gates))
    return tracked


def _tracked(out: Path, label: str, gates: Mapping[str, Mapping[str, Any]]) -> TrackedCondition:
    entry = read_condition(out, label)
    body = _result_body(out)
    return TrackedCondition(
        label=label,
        params=_params(body),
        metrics=_summary_metrics(entry) | _interval_metrics(entry) | _gate_metrics(label, gates) | _timings(entry),
        loss_curve=loss_curve(body.get("adaptation")),
        tags=_tags(entry, label, str(body.get("run_id"))),
        files=tuple(sorted(p for p in out.iterdir() if p.is_file())),
    )


def _tags(entry: ConditionEntry, label: str, run_id: str) -> dict[str, str]:
    head = {"harness.run_id": run_id, "harness.label": label, "condition": entry.condition}
    return head | {"size_group": entry.size_group, "role": entry.role}


def _result_body(out: Path) -> dict[str, Any]:
    # read_condition has checked the file's version and shape; the parts it does not keep (the condition's config,
    # the adaptation block, provenance) are read here.
    path = out / "result.json"
    try:
        body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read stored results ({exc}); re-run the condition") from None
    return body


def _params(body: Mapping[str, Any]) -> dict[str, str]:
    """The condition config (model and backend, quantisation, retrieval, adapter recipe, data and seeds) flattened,
    plus what produced the result: harness version, git commit, the data set's content hash."""
    from harness import __version__

    provenance = body.get("provenance") or {}
    packages = provenance.get("packages") or {}
    return flatten(body["condition"]) | {
        "harness.version": str(packages.get("adapt-bench-harness") or __version__),
        "harness.git_commit": str((provenance.get("git") or {}).get("commit")),
        "dataset.content_hash": str((body.get("dataset") or {}).get("content_hash")),
    }


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and not math.isnan(value):
        return float(value)
    return None


def _summary_metrics(entry: ConditionEntry) -> dict[str, float]:
    numbers = {key: _number(value) for key, value in entry.summary.items()}
    return {key: value for key, value in numbers.items() if value is not None}


def _interval_metrics(entry: ConditionEntry) -> dict[str, float]:
    """The report's bootstrap intervals (same resamples, confidence and seed) for its headline metrics."""
    from harness.report import BAR_METRICS, mean_interval

    out: dict[str, float] = {}
    for key, _label in BAR_METRICS:
        values = [float(r[key]) for r in entry.records if not r.get("error") and _number(r.get(key)) is not None]
        interval = mean_interval(values, entry.scoring)
        if interval is not None:
            out |= {f"{key}_ci_low": interval[1], f"{key}_ci_high": interval[2]}
    return out


def _gate_metrics(label: str, gates: Mapping[str, Mapping[str, Any]]) -> dict[str, float]:
    """``gate.<gate>.passed``: 1 passed, 0 failed, for the gates recorded under this label."""
    mine = (gate for key, gate in gates.items() if key == label)
    return {f"gate.{gate['gate']}.passed": 1.0 if gate["passed"] else 0.0 for gate in mine}


def _timings(entry: ConditionEntry) -> dict[str, float]:
    numbers = {f"time.{stage}_s": _number(value) for stage, value in (entry.timings_s or {}).items()}
    return {key: value for key, value in numbers.items() if value is not None}
