"""Run reports: versioned JSON, Markdown and a self-contained HTML page with SVG plots; the run's verdict for the
terminal and for CI (``verdict_of``, ``terminal_lines``, ``summary_markdown``); run-to-run diffs as text
(``diff_lines``, ``diff_markdown``); and the runs list, ``reports/index.html`` (``write_history``)."""

from harness.report._cross_size import cross_size_rows, cross_size_table
from harness.report._diff_text import diff_lines, diff_markdown
from harness.report._history import HISTORY_FILE, write_history
from harness.report._intervals import mean_interval
from harness.report._run_report import write_run_report
from harness.report._verdict import HEADLINE_METRICS, Verdict, verdict_of
from harness.report._verdict_text import summary_markdown, terminal_lines, verdict_lines

__all__ = [
    "HEADLINE_METRICS",
    "HISTORY_FILE",
    "Verdict",
    "cross_size_rows",
    "cross_size_table",
    "diff_lines",
    "diff_markdown",
    "mean_interval",
    "summary_markdown",
    "terminal_lines",
    "verdict_lines",
    "verdict_of",
    "write_history",
    "write_run_report",
]
