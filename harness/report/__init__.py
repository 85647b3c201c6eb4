"""Run reports: versioned JSON, Markdown and a self-contained HTML page with SVG plots; the scaling study's tables
(six arms per size group, paired effects, the cross-size table); the run's verdict for the terminal and for CI
(``verdict_of``, ``terminal_lines``, ``summary_markdown``); run-to-run diffs as text (``diff_lines``,
``diff_markdown``); and the runs list, ``reports/index.html`` (``write_history``)."""

from harness.report._diff_text import diff_lines, diff_markdown
from harness.report._history import HISTORY_FILE, write_history
from harness.report._intervals import mean_interval
from harness.report._plot_metrics import BAR_METRICS
from harness.report._rewrite import rewrite_run_report
from harness.report._run_report import write_run_report
from harness.report._study import (
    EFFECTS,
    STUDY_METRICS,
    ArmCell,
    Effect,
    StudyGroup,
    cross_size_markdown,
    effect_comparison,
    sample_outputs_markdown,
    sample_questions,
    study_groups,
    study_markdown,
)
from harness.report._verdict import HEADLINE_METRICS, Verdict, verdict_of
from harness.report._verdict_text import summary_markdown, terminal_lines, verdict_lines

__all__ = [
    "BAR_METRICS",
    "EFFECTS",
    "HEADLINE_METRICS",
    "HISTORY_FILE",
    "STUDY_METRICS",
    "ArmCell",
    "Effect",
    "StudyGroup",
    "Verdict",
    "cross_size_markdown",
    "diff_lines",
    "diff_markdown",
    "effect_comparison",
    "mean_interval",
    "rewrite_run_report",
    "sample_outputs_markdown",
    "sample_questions",
    "study_groups",
    "study_markdown",
    "summary_markdown",
    "terminal_lines",
    "verdict_lines",
    "verdict_of",
    "write_history",
    "write_run_report",
]
