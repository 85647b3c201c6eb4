"""Which charts the page shows, in order: each metric per condition, the forest plot of paired differences, the task
types, the quantisation levels, and the loss curves of trained adapters. A chart with nothing to show is left out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.report._mpl import Plot
from harness.report._plot_forest import forest_plot, forest_rows
from harness.report._plot_loss import loss_plots
from harness.report._plot_metrics import BAR_METRICS, MetricMean, metric_plot
from harness.report._plot_quant import quantization_plots
from harness.report._plot_tasks import task_type_plot
from harness.report._study import StudyGroup
from harness.report._thresholds import thresholds_of
from harness.results import ConditionEntry

__all__ = ["page_plots"]


def page_plots(
    entries: Sequence[ConditionEntry], gates: Mapping[str, Mapping[str, Any]], groups: Sequence[StudyGroup],
    means: Mapping[str, Sequence[MetricMean]],
) -> list[Plot]:  # fmt: skip
    """``means``: per metric of ``BAR_METRICS``, each condition's mean with its interval (drawn once, for the
    conditions table and these charts alike)."""
    limits = thresholds_of(gates)
    criteria = {"citation_grounding": limits.grounding}
    charts = [metric_plot(key, label, means.get(key, ()), criterion=criteria.get(key)) for key, label in BAR_METRICS]
    charts.append(forest_plot(forest_rows(gates, groups), limits))
    charts.append(task_type_plot(entries))
    return [*(c for c in charts if c is not None), *quantization_plots(entries), *loss_plots(entries)]
