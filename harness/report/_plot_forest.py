"""The forest plot: every paired difference of the run on one axis, in pp. The gates' comparisons (candidate minus
baseline, level minus F16) coloured by their outcome, and the study's effects on the pass rate; 0, the promotion
threshold and the quantisation margin drawn as lines. Values are written in a column right of the axes, where no
interval can reach them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.report._mpl import PALETTE, Plot, figure, svg_of
from harness.report._study import EFFECTS, StudyGroup
from harness.report._thresholds import Thresholds

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ForestRow", "forest_plot", "forest_rows"]

_PASS, _FAIL, _EFFECT = "#1a7f37", "#cf222e", PALETTE[0]


@dataclass(frozen=True, kw_only=True)
class ForestRow:
    label: str
    estimate: float
    low: float
    high: float
    colour: str
    kind: str  # promotion | quantization | effect


def _gate_rows(gates: Mapping[str, Mapping[str, Any]]) -> list[ForestRow]:
    rows = []
    for key, g in gates.items():
        cmp = (g.get("numbers") or {}).get("comparison")
        if cmp:
            colour = _PASS if g["passed"] else _FAIL
            rows.append(ForestRow(label=f"{g['gate']}: {key}", estimate=float(cmp["difference"]),
                                  low=float(cmp["ci_low"]), high=float(cmp["ci_high"]), colour=colour,
                                  kind=str(g["gate"])))  # fmt: skip
    return rows


def _effect_rows(groups: Sequence[StudyGroup]) -> list[ForestRow]:
    rows = []
    for group in groups:
        for effect in EFFECTS:
            cmp = group.effects.get((effect.key, "pass"))
            if cmp is not None:
                label = f"{group.size_group}: {effect.label.split(' (')[0]} (pass rate)"
                rows.append(ForestRow(label=label, estimate=cmp.difference, low=cmp.ci_low, high=cmp.ci_high,
                                      colour=_EFFECT, kind="effect"))  # fmt: skip
    return rows


def forest_rows(gates: Mapping[str, Mapping[str, Any]], groups: Sequence[StudyGroup]) -> list[ForestRow]:
    return [*_gate_rows(gates), *_effect_rows(groups)]


def forest_plot(rows: Sequence[ForestRow], limits: Thresholds) -> Plot | None:
    if not rows:
        return None
    name, title = "forest", "Paired differences (pp) with 95% CIs: gates and study effects"
    with figure(name, 9.0, 1.1 + 0.34 * len(rows)) as fig:
        ax = fig.subplots()
        ys = list(range(len(rows)))[::-1]
        for y, r in zip(ys, rows, strict=True):
            ax.errorbar(r.estimate, y, xerr=[[r.estimate - r.low], [r.high - r.estimate]], fmt="o", color=r.colour,
                        ecolor=r.colour, capsize=3, markersize=5)  # fmt: skip
            text = f"{r.estimate:+.1f} [{r.low:+.1f}, {r.high:+.1f}]"
            ax.text(1.01, y, text, transform=ax.get_yaxis_transform(), va="center", fontsize=8)
        notes = _reference_lines(ax, rows, limits)
        ax.set_yticks(ys, [r.label for r in rows])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel("difference, percentage points")
        ax.set_title(title, loc="left", fontsize=10)
        svg = svg_of(fig, name, title)
    return Plot(name=name, title=title, svg=svg, note="; ".join(notes), wide=True)


def _reference_lines(ax: Axes, rows: Sequence[ForestRow], limits: Thresholds) -> list[str]:
    ax.axvline(0.0, color="#555", linewidth=1)
    notes = ["solid line: no difference", "green/red: a gate that passed/failed", "blue: a study effect"]
    if any(r.kind == "promotion" for r in rows):
        ax.axvline(limits.delta_pp, color=_PASS, linestyle="--", linewidth=1.2)
        ax.text(limits.delta_pp, len(rows) - 0.45, f" +{limits.delta_pp:g} pp promotion", color=_PASS, fontsize=8)
        notes.append(f"green dashed: the promotion threshold (+{limits.delta_pp:g} pp)")
    if any(r.kind == "quantization" for r in rows):
        ax.axvline(-limits.margin_pp, color=PALETTE[4], linestyle="--", linewidth=1.2)
        ax.text(-limits.margin_pp, len(rows) - 0.45, f"−{limits.margin_pp:g} pp margin ", color=PALETTE[4],
                fontsize=8, ha="right")  # fmt: skip
        notes.append(f"orange dashed: the quantisation margin (−{limits.margin_pp:g} pp)")
    return notes
