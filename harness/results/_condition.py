"""One condition's files: ``results.jsonl`` (a JSON object per question), ``result.json`` and ``summary.md``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.cache import atomic_write_text
from harness.errors import DataError, StorageError
from harness.results._entry import ConditionEntry
from harness.results._versions import CONDITION_SCHEMA_VERSION, check_version

__all__ = ["read_condition", "write_condition_files"]

RECORDS_FILE, RESULT_FILE, SUMMARY_FILE = "results.jsonl", "result.json", "summary.md"


def write_condition_files(
    out: Path, records: Sequence[Mapping[str, Any]], result: Mapping[str, Any], summary_markdown: str
) -> None:
    """Write the three files; ``result`` gets the current schema version."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(out, exc, "point --bench-reports-dir at a writable folder") from None
    lines = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    atomic_write_text(out / RECORDS_FILE, lines)
    body = {"schema_version": CONDITION_SCHEMA_VERSION, **result}
    atomic_write_text(out / RESULT_FILE, json.dumps(body, indent=2, sort_keys=True, default=_jsonable) + "\n")
    atomic_write_text(out / SUMMARY_FILE, summary_markdown)


def read_condition(out: Path, label: str | None = None) -> ConditionEntry:
    """The entry a run wrote into ``out``; a missing, damaged or unknown-version file is one DataError naming it."""
    path = out / RESULT_FILE
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read stored results ({exc}); re-run the condition") from None
    check_version(path, body, CONDITION_SCHEMA_VERSION, legacy=(0,))
    records = tuple(_read_records(out / RECORDS_FILE))
    try:
        return ConditionEntry.from_result_json(label or out.name, body, records)
    except (KeyError, TypeError) as exc:
        raise DataError(f"{path}: field {exc} is missing or malformed; re-run the condition") from None


def _read_records(path: Path) -> list[Mapping[str, Any]]:
    try:
        # Split on "\n" only: the writer keeps non-ASCII as is, and str.splitlines() would also break a record at a
        # U+2028, U+0085 or form feed inside an answer, reading back a damaged file that is not.
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise DataError(f"{path}: cannot read stored results ({exc}); re-run the condition") from None
    rows: list[Mapping[str, Any]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise DataError(f"{path}:{n}: not valid JSON; the file is damaged, re-run the condition") from None
        if not isinstance(row, dict) or not isinstance(row.get("qid"), str):
            raise DataError(f"{path}:{n}: each line must be a JSON object with a string qid; re-run the condition")
        rows.append(row)
    return rows


def _jsonable(value: object) -> object:
    if isinstance(value, Mapping):
        return dict(value)
    return str(value)  # Path, and anything else a context block may hold
