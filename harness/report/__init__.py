"""Run reports: versioned JSON, Markdown and a self-contained HTML page with SVG plots."""

from harness.report._cross_size import cross_size_rows, cross_size_table
from harness.report._intervals import mean_interval
from harness.report._run_report import BAR_METRICS, write_run_report

__all__ = ["BAR_METRICS", "cross_size_rows", "cross_size_table", "mean_interval", "write_run_report"]
