"""A stored run as later steps read it: the run index and each finished condition's entry.

The run folder may have moved since it was written (copied out of a CI job, mounted elsewhere), so a condition's
folder is looked up beside the index first and at the path the index recorded only when it is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import DataError
from harness.results._condition import read_condition
from harness.results._entry import ConditionEntry
from harness.results._index import RunIndex, read_run_index

__all__ = ["RUN_INDEX_FILE", "StoredRun", "append_note", "read_entries", "read_run"]

RUN_INDEX_FILE = "run.json"


@dataclass(frozen=True, kw_only=True)
class StoredRun:
    run_dir: Path
    index: RunIndex
    entries: tuple[ConditionEntry, ...]

    @property
    def run_id(self) -> str:
        return self.index.run_id

    def entry(self, label: str) -> ConditionEntry | None:
        return next((e for e in self.entries if e.label == label), None)


def read_entries(run_dir: Path, index: RunIndex) -> list[ConditionEntry]:
    """The entry of every condition the index lists as ``ok``."""
    entries = []
    for label, status in index.conditions.items():
        if status.status != "ok" or not status.dir:
            continue
        here = run_dir / label
        entries.append(read_condition(here if here.is_dir() else Path(status.dir), label))
    return entries


def read_run(run_dir: Path) -> StoredRun:
    """The run in ``run_dir`` (``reports/<run-id>`` or ``reports/latest``); a folder without a run index is one
    DataError saying what to pass instead."""
    path = run_dir / RUN_INDEX_FILE
    if not path.is_file():
        raise DataError(f"{run_dir}: no {RUN_INDEX_FILE} here; fix: pass a run folder (reports/<run-id> or "
                        "reports/latest) written by `pytest benchmarks` or `harness run`")  # fmt: skip
    index = read_run_index(path)
    return StoredRun(run_dir=run_dir, index=index, entries=tuple(read_entries(run_dir, index)))


def append_note(run_dir: Path, text: str) -> RunIndex:
    """Add a learning to the run's index (``harness note``), stamped with the time now; returns the new index.
    Taken under a lock beside the index so two notes written at once both land."""
    import dataclasses
    from datetime import UTC, datetime

    from harness.cache import file_lock
    from harness.results._index import RunNote, write_run_index

    if not text.strip():
        raise DataError("the note is empty; fix: pass the learning as text, e.g. harness note RUN \"rank 32 overfits\"")
    path = run_dir / RUN_INDEX_FILE
    if not path.is_file():
        raise DataError(f"{run_dir}: no {RUN_INDEX_FILE} here; fix: pass a run folder or run id written by a run")
    with file_lock(run_dir / ".notes.lock"):
        index = read_run_index(path)
        note = RunNote(time=datetime.now(UTC).isoformat(timespec="seconds"), text=" ".join(text.split()))
        index = dataclasses.replace(index, notes=(*index.notes, note))
        write_run_index(path, index)
    return index
