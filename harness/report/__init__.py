"""Run reports: versioned JSON, Markdown and a self-contained HTML page with SVG plots."""

from harness.report._cross_size import cross_size_rows, cross_size_table
from harness.report._intervals import mean_interval
from harness.report._run_report import RUN_SCHEMA_VERSION, write_run_report
from harness.report._worker_runs import entry_from_dir, merge_worker_runs, worker_index_name

__all__ = [
    "RUN_SCHEMA_VERSION",
    "cross_size_rows",
    "cross_size_table",
    "entry_from_dir",
    "mean_interval",
    "merge_worker_runs",
    "worker_index_name",
    "write_run_report",
]
