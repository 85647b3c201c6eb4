"""Stored runs built by the results package's own writers, for tests of what reads whole runs (``harness diff``,
``harness summary``, the runs list): per-question records scripted, not produced by a model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.results import ConditionStatus, RunIndex, write_condition_files, write_run_index

SCORING = {"seed": 11, "confidence": 0.95, "bootstrap_resamples": 400, "cluster_by": "gold_doc"}


def records(
    f1: Sequence[float], *, docs: Sequence[str] | None = None, errors: Sequence[int] = ()
) -> list[dict[str, Any]]:
    """One row per score: ``q000``, ``q001``, ...; gold document ``docs[i]`` (default: its own); rows at ``errors``
    are failed generations (no score)."""
    rows: list[dict[str, Any]] = []
    for i, value in enumerate(f1):
        row: dict[str, Any] = {
            "qid": f"q{i:03d}",
            "gold_doc_ids": [docs[i] if docs else f"d{i}"],
            "task_type": "grounded",
        }
        row |= {"error": "HTTP 500", "f1": None} if i in errors else {"f1": value, "exact_match": float(value == 1.0)}
        rows.append(row)
    return rows


def store_run(
    reports: Path,
    run_id: str,
    arms: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    gates: Mapping[str, Mapping[str, Any]] | None = None,
    skipped: Mapping[str, tuple[str, str]] | None = None,
    commit: str = "0123456789abcdef",
) -> Path:
    """``reports/<run_id>/`` with one condition folder per arm (label -> its records) and ``run.json``."""
    run_dir = reports / run_id
    statuses: dict[str, ConditionStatus] = {}
    for label, rows in arms.items():
        out = run_dir / label
        summary = {"n_questions": len(rows), "n_errors": sum(bool(r.get("error")) for r in rows)}
        write_condition_files(out, rows, _result(run_id, label, summary, commit), f"# {label}\n")
        statuses[label] = ConditionStatus(status="ok", dir=str(out), summary=summary)
    for label, (reason, remedy) in (skipped or {}).items():
        statuses[label] = ConditionStatus(status="skipped", reason=reason, remedy=remedy)
    write_run_index(run_dir / "run.json", RunIndex(run_id=run_id, conditions=statuses, gates=dict(gates or {})))
    return run_dir


def _result(run_id: str, label: str, summary: Mapping[str, Any], commit: str) -> dict[str, Any]:
    condition = {"name": label, "size_group": "tiny", "role": "rag", "model": {"quantization": "Q4_1"},
                 "scoring": SCORING}  # fmt: skip
    dataset = {"tag": "squad2_tiny", "content_hash": "feedfacecafebeef0000"}
    return {"run_id": run_id, "label": label, "condition": condition, "summary": dict(summary), "dataset": dataset,
            "provenance": {"git": {"commit": commit, "dirty": False}}}  # fmt: skip
