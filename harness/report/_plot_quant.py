"""Quantisation level against score and speed, one pair of charts per condition that ran at two or more levels: the
token F1 with its interval, and generation speed. Levels sit on a categorical axis in the order of decreasing
precision, each tick the level's full name."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from harness.report._mpl import PALETTE, Plot, figure, svg_of
from harness.report._plot_metrics import MetricMean, metric_means, scored_values
from harness.results import ConditionEntry

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["level_order", "quantization_plots"]

# From more to less precise; a level not named here follows, alphabetically.
_PRECISION = ("F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0", "Q4_K_M", "Q4_K_S", "Q4_1",
              "Q4_0", "Q3_K_L", "Q3_K_M", "Q3_K_S", "Q2_K")  # fmt: skip


def level_order(level: str) -> tuple[int, str]:
    return (_PRECISION.index(level) if level in _PRECISION else len(_PRECISION), level)


def _speed(entry: ConditionEntry) -> float | None:
    """Generation speed in tokens/s: the summary's, else the median over answered questions."""
    value = entry.summary.get("tokens_per_s")
    if isinstance(value, int | float):
        return float(value)
    speeds = scored_values(entry.records, "tokens_per_s")
    return statistics.median(speeds) if speeds else None


def quantization_plots(entries: Sequence[ConditionEntry]) -> list[Plot]:
    by_condition: dict[str, list[ConditionEntry]] = {}
    for e in entries:
        by_condition.setdefault(e.condition, []).append(e)
    plots = []
    for name, group in by_condition.items():
        if len({e.quantization for e in group}) >= 2:
            plots.append(_plot(name, sorted(group, key=lambda e: level_order(e.quantization))))
    return plots


def _plot(condition: str, group: Sequence[ConditionEntry]) -> Plot:
    name, title = f"quantization-{condition}", f"{condition}: quantisation level vs score and speed"
    levels = [e.quantization for e in group]
    scores = {m.label: m for m in metric_means(group, "f1")}
    xs = list(range(len(levels)))
    with figure(name, 9.0, 3.0) as fig:
        left, right = fig.subplots(1, 2)
        _score_axis(left, xs, [scores.get(e.label) for e in group])
        speeds = [_speed(e) for e in group]
        right.bar([x for x, s in zip(xs, speeds, strict=True) if s is not None], [s for s in speeds if s is not None],
                  color=PALETTE[2], width=0.55)  # fmt: skip
        for x, s in zip(xs, speeds, strict=True):
            if s is not None:
                right.text(x, s, f"{s:.1f}", ha="center", va="bottom", fontsize=8)
        right.set_ylabel("tokens/s (generation)")
        for ax in (left, right):
            ax.set_xticks(xs, levels)
            ax.set_xlabel("quantisation level")
        fig.suptitle(title, x=0.01, ha="left", fontsize=10)
        svg = svg_of(fig, name, title)
    return Plot(
        name=name, title=title, svg=svg, note="left: token F1 with its 95% bootstrap CI; right: speed", wide=True
    )


def _score_axis(ax: Axes, xs: Sequence[int], means: Sequence[MetricMean | None]) -> None:
    points = [(x, m) for x, m in zip(xs, means, strict=True) if m is not None]
    ax.errorbar([x for x, _ in points], [m.mean for _, m in points], capsize=4, fmt="o-", color=PALETTE[0],
                yerr=[[m.mean - m.low for _, m in points], [m.high - m.mean for _, m in points]])  # fmt: skip
    for x, m in points:
        ax.annotate(f"{m.mean:.3f}", (x, m.mean), xytext=(8, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_ylabel("token F1")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(-0.5, len(xs) - 0.5)
