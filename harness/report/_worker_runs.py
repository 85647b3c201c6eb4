"""One run report from several pytest-xdist workers: each writes ``run-<worker>.json``; the controller merges.

Workers share the run id (and so the run folder); each condition's folder holds its ``result.json`` and
``results.jsonl``, from which the controller rebuilds the report entries the workers computed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import HarnessError

__all__ = ["WORKER_INDEX_GLOB", "entry_from_dir", "merge_worker_runs", "worker_index_name"]

WORKER_INDEX_GLOB = "run-*.json"
_RANK = {"ok": 2, "skipped": 1, "error": 0}


def worker_index_name(worker_id: str) -> str:
    """``run-gw0.json`` for worker ``gw0``."""
    return f"run-{worker_id}.json"


def merge_worker_runs(run_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(conditions, gates) over every worker index in ``run_dir``.

    A condition two workers computed (a baseline a gate needed) appears once, by its best outcome
    (ok over skipped over error): the computations are the same, from one shared cache.
    """
    conditions: dict[str, Any] = {}
    gates: dict[str, Any] = {}
    for path in sorted(run_dir.glob(WORKER_INDEX_GLOB)):
        body = _read_json(path)
        for label, outcome in body.get("conditions", {}).items():
            if _rank(outcome) > _rank(conditions.get(label)):
                conditions[label] = outcome
        gates.update(body.get("gates", {}))
    return conditions, gates


def entry_from_dir(label: str, out_dir: Path) -> dict[str, Any]:
    """The report entry of one condition, read back from the files its run wrote."""
    result = _read_json(out_dir / "result.json")
    lines = (out_dir / "results.jsonl").read_text(encoding="utf-8").splitlines()
    cond = result["condition"]
    return {
        "label": label,
        "condition": cond["name"],
        "size_group": cond["size_group"],
        "role": cond["role"],
        "quantization": cond["model"]["quantization"],
        "summary": result["summary"],
        "records": [json.loads(line) for line in lines if line.strip()],
        **{k: result.get(k) for k in ("model", "dataset", "splits", "timings_s")},
    }


def _rank(outcome: Mapping[str, Any] | None) -> int:
    return -1 if outcome is None else _RANK.get(str(outcome.get("status")), 0)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise HarnessError(f"{path}: cannot read a worker's report ({exc}); rerun the benchmarks") from exc
    return loaded
