"""Results: the typed, versioned records a run writes and every later step reads.

One writer and one reader per file:
- per question: ``<run>/<label>/results.jsonl`` (one JSON object per question; ``QUESTION_RECORD_SCHEMA``);
- per condition: ``<run>/<label>/result.json`` (``ConditionEntry``, ``CONDITION_SCHEMA_VERSION``);
- per run: ``<run>/run.json`` (``RunIndex``: each condition's status and every gate's outcome) and the run report's
  ``results.json`` (``RUN_SCHEMA_VERSION``);
- a whole stored run: ``read_run(run_dir)`` (``StoredRun``: the index and every finished condition's entry), what
  ``harness summary`` and ``harness diff`` read.

The pipeline writes them, the gates, the report, ``harness compare`` and the pytest session read them here, and
``harness schema`` exports their JSON Schemas for users' tools.
"""

from harness.results._condition import read_condition, write_condition_files
from harness.results._entry import CONTEXT_KEYS, ConditionEntry
from harness.results._index import (
    WORKER_INDEX_GLOB,
    ConditionStatus,
    RunIndex,
    RunNote,
    merge_worker_indexes,
    read_run_index,
    worker_index_name,
    write_run_index,
)
from harness.results._loss import LOSS_METRICS, LossPoint, loss_curve
from harness.results._run import RUN_INDEX_FILE, StoredRun, append_note, read_entries, read_run
from harness.results._schema import SCHEMAS, write_schemas
from harness.results._versions import CONDITION_SCHEMA_VERSION, RUN_SCHEMA_VERSION

__all__ = [
    "CONDITION_SCHEMA_VERSION",
    "CONTEXT_KEYS",
    "LOSS_METRICS",
    "RUN_INDEX_FILE",
    "RUN_SCHEMA_VERSION",
    "SCHEMAS",
    "WORKER_INDEX_GLOB",
    "ConditionEntry",
    "ConditionStatus",
    "LossPoint",
    "RunIndex",
    "RunNote",
    "StoredRun",
    "append_note",
    "loss_curve",
    "merge_worker_indexes",
    "read_condition",
    "read_entries",
    "read_run",
    "read_run_index",
    "worker_index_name",
    "write_condition_files",
    "write_run_index",
    "write_schemas",
]
