"""The run index, ``run.json``: how each condition of a run ended, and every gate's outcome.

Under pytest-xdist each worker writes its own index (``run-<worker>.json``) into the shared run folder and the
controller merges them; the merged index is the run's ``run.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from harness.cache import atomic_write_text
from harness.errors import DataError
from harness.results._versions import RUN_SCHEMA_VERSION, check_version

__all__ = [
    "WORKER_INDEX_GLOB",
    "ConditionStatus",
    "RunIndex",
    "RunNote",
    "merge_worker_indexes",
    "read_run_index",
    "worker_index_name",
    "write_run_index",
]

WORKER_INDEX_GLOB = "run-*.json"
Status = Literal["ok", "skipped", "error"]
_RANK = {"ok": 2, "skipped": 1, "error": 0}


@dataclass(frozen=True, kw_only=True)
class ConditionStatus:
    """``ok`` (``dir`` holds its files, ``summary`` its numbers), ``skipped`` (``reason``, ``remedy``: the model is
    not here) or ``error`` (``error``: what went wrong)."""

    status: Status
    dir: str | None = None
    summary: Mapping[str, Any] | None = None
    reason: str | None = None
    remedy: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        if self.status not in _RANK:
            raise TypeError(f"status={self.status!r} is not one of {', '.join(_RANK)}")

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True, kw_only=True)
class RunNote:
    """A learning written down after the run (``harness note``): when, and what."""

    time: str  # ISO 8601, UTC
    text: str


@dataclass(frozen=True, kw_only=True)
class RunIndex:
    """``hypothesis`` is what the run set out to show (``--bench-hypothesis``); ``notes`` what was learnt after."""

    run_id: str
    conditions: Mapping[str, ConditionStatus] = field(default_factory=dict)
    gates: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    worker: str | None = None
    hypothesis: str = ""
    notes: tuple[RunNote, ...] = ()

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "schema_version": RUN_SCHEMA_VERSION,
            "run_id": self.run_id,
            "conditions": {label: status.to_json() for label, status in self.conditions.items()},
            "gates": {key: dict(gate) for key, gate in self.gates.items()},
        }
        log: dict[str, Any] = {"hypothesis": self.hypothesis} if self.hypothesis else {}
        if self.notes:
            log["notes"] = [asdict(n) for n in self.notes]
        return body | log | ({"worker": self.worker} if self.worker is not None else {})


def worker_index_name(worker_id: str) -> str:
    """``run-gw0.json`` for worker ``gw0``."""
    return f"run-{worker_id}.json"


def write_run_index(path: Path, index: RunIndex) -> None:
    atomic_write_text(path, json.dumps(index.to_json(), indent=2, default=str) + "\n")


def read_run_index(path: Path) -> RunIndex:
    """A run index (a run's ``run.json`` or a worker's part); run.json files from before versioning read as v0."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read the run index ({exc}); rerun the benchmarks") from None
    check_version(path, body, RUN_SCHEMA_VERSION, legacy=(0,))
    try:
        conditions = {label: ConditionStatus(**status) for label, status in body.get("conditions", {}).items()}
        notes = tuple(RunNote(time=str(n["time"]), text=str(n["text"])) for n in body.get("notes", ()))
        return RunIndex(run_id=body["run_id"], conditions=conditions, gates=body.get("gates", {}),
                        worker=body.get("worker"), hypothesis=str(body.get("hypothesis", "")), notes=notes)  # fmt: skip
    except (KeyError, TypeError) as exc:
        raise DataError(f"{path}: field {exc} is missing or malformed; rerun the benchmarks") from None


def merge_worker_indexes(run_dir: Path, run_id: str) -> RunIndex:
    """One index over every worker's part in ``run_dir``.

    A condition two workers computed (a baseline a gate needed) appears once, by its best outcome (ok over skipped
    over error): the computations are the same, from one shared cache.
    """
    conditions: dict[str, ConditionStatus] = {}
    gates: dict[str, Mapping[str, Any]] = {}
    for path in sorted(run_dir.glob(WORKER_INDEX_GLOB)):
        part = read_run_index(path)
        for label, status in part.conditions.items():
            if label not in conditions or _RANK[status.status] > _RANK[conditions[label].status]:
                conditions[label] = status
        gates.update(part.gates)
    return RunIndex(run_id=run_id, conditions=conditions, gates=gates)
