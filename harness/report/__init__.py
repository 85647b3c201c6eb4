"""Run reports: versioned JSON, Markdown and a self-contained HTML page with SVG plots, and the scaling study's
tables (six arms per size group, paired effects, the cross-size table)."""

from harness.report._intervals import mean_interval
from harness.report._run_report import write_run_report
from harness.report._study import (
    EFFECTS,
    STUDY_METRICS,
    ArmCell,
    Effect,
    StudyGroup,
    cross_size_markdown,
    effect_comparison,
    study_groups,
    study_markdown,
)

__all__ = [
    "EFFECTS",
    "STUDY_METRICS",
    "ArmCell",
    "Effect",
    "StudyGroup",
    "cross_size_markdown",
    "effect_comparison",
    "mean_interval",
    "study_groups",
    "study_markdown",
    "write_run_report",
]
