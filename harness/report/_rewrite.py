"""Render a stored run's report again from its files alone: after ``harness note`` adds a learning, or to pick up a
newer report layout for an old run. Nothing is recomputed: the entries, gates and provenance are read back."""

from __future__ import annotations

import json
from pathlib import Path

from harness.errors import DataError

__all__ = ["rewrite_run_report"]


def rewrite_run_report(run_dir: Path) -> dict[str, Path]:
    from harness.report._run_report import write_run_report
    from harness.results import read_run

    stored = read_run(run_dir)
    path = run_dir / "results.json"
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read the run report's data ({exc}); rerun the benchmarks") from None
    return write_run_report(
        run_dir, stored.entries, stored.index.gates, group_order=body.get("group_order", []),
        provenance=body.get("provenance", {}), group_labels=body.get("group_labels", {}),
        hypothesis=stored.index.hypothesis, notes=stored.index.notes, statuses=stored.index.conditions,
    )  # fmt: skip
