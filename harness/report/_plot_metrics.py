"""Per-condition means with their intervals, one chart per metric: horizontal bars, the interval as an error bar,
the value written past the interval's upper end (so the bar never covers it), and the gate's criterion where one
applies (citation grounding)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.report._intervals import mean_interval
from harness.report._mpl import PALETTE, Plot, figure, svg_of
from harness.results import ConditionEntry

__all__ = ["BAR_METRICS", "MetricMean", "metric_means", "metric_plot"]

BAR_METRICS = (
    ("f1", "Token F1"),
    ("exact_match", "Exact match"),
    ("citation_grounding", "Citation grounding (gated)"),
    ("refused", "Refusal rate"),
)


@dataclass(frozen=True, kw_only=True)
class MetricMean:
    label: str
    mean: float
    low: float
    high: float
    n: int


def scored_values(records: Sequence[Mapping[str, Any]], key: str) -> list[float]:
    """The metric over scored questions: a failed generation is left out, as the gates leave it out."""
    return [float(v) for r in records if not r.get("error") and isinstance(v := r.get(key), int | float)]


def metric_means(entries: Sequence[ConditionEntry], key: str) -> list[MetricMean]:
    means = []
    for e in entries:
        values = scored_values(e.records, key)
        ci = mean_interval(values, e.scoring)
        if ci is not None:
            means.append(MetricMean(label=e.label, mean=ci[0], low=ci[1], high=ci[2], n=len(values)))
    return means


def metric_plot(key: str, label: str, means: Sequence[MetricMean], *, criterion: float | None = None) -> Plot | None:
    """None when no condition has the metric."""
    if not means:
        return None
    name = f"metric-{key}"
    title = f"{label}: mean and 95% bootstrap CI"
    with figure(name, 6.4, 0.9 + 0.34 * len(means)) as fig:
        ax = fig.subplots()
        ys = list(range(len(means)))[::-1]  # first condition on top
        values = [m.mean for m in means]
        err = [[m.mean - m.low for m in means], [m.high - m.mean for m in means]]
        ax.barh(ys, values, color=PALETTE[0], height=0.6, xerr=err, ecolor="#222", capsize=3)
        for y, m in zip(ys, means, strict=True):
            ax.text(m.high + 0.015, y, f"{m.mean:.3f}", va="center", fontsize=8)
        if criterion is not None:
            ax.axvline(criterion, color=PALETTE[1], linestyle="--", linewidth=1.2)
            ax.text(criterion, len(means) - 0.4, f" criterion {criterion:g}", color=PALETTE[1], fontsize=8)
        ax.set_yticks(ys, [m.label for m in means])
        ax.set_xlim(0, 1.18)  # room for the value right of an interval that reaches 1
        ax.set_ylim(-0.6, len(means) - 0.2)
        ax.set_xlabel(label)
        ax.set_title(title, loc="left", fontsize=10)
        svg = svg_of(fig, name, title)
    note = f"dashed line: the promotion gate's criterion ({criterion:g})" if criterion is not None else ""
    return Plot(name=name, title=title, svg=svg, note=note)
