"""Per task type (grounded, refusal, synthesis, ...): each condition's pass-equivalent score, (CRAG + 1) / 2 over
scored questions, as grouped horizontal bars (one colour per task type)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.report._mpl import PALETTE, Plot, figure, svg_of
from harness.report._plot_metrics import scored_values
from harness.results import ConditionEntry

__all__ = ["task_type_plot"]


def _score(entry: ConditionEntry, task: str) -> float | None:
    values = scored_values([r for r in entry.records if r.get("task_type") == task], "crag")
    return (sum(values) / len(values) + 1) / 2 if values else None


def task_type_plot(entries: Sequence[ConditionEntry]) -> Plot | None:
    tasks = sorted({str(r["task_type"]) for e in entries for r in e.records if r.get("task_type")})
    scores = {(e.label, t): s for e in entries for t in tasks if (s := _score(e, t)) is not None}
    if not scores:
        return None
    name, title = "task-types", "Per task type: pass-equivalent score ((CRAG + 1) / 2)"
    height = 1.0 / max(len(tasks), 1)
    with figure(name, 6.4, 1.1 + 0.3 * len(entries) * max(1, len(tasks) // 2 + 1)) as fig:
        ax = fig.subplots()
        for k, task in enumerate(tasks):
            ys = [len(entries) - 1 - i + 0.4 - (k + 0.5) * height * 0.8 for i in range(len(entries))]
            values = [scores.get((e.label, task)) for e in entries]
            shown = [(y, v) for y, v in zip(ys, values, strict=True) if v is not None]
            ax.barh([y for y, _ in shown], [v for _, v in shown], height=height * 0.8, color=PALETTE[k % 8], label=task)
            for y, v in shown:
                ax.text(v + 0.01, y, f"{v:.2f}", va="center", fontsize=7)
        ax.set_yticks([len(entries) - 1 - i for i in range(len(entries))], [e.label for e in entries])
        ax.set_xlim(0, 1.12)
        ax.set_xlabel("(CRAG + 1) / 2: 1 = every question passed, 0.5 = all refused, 0 = all wrong")
        ax.legend(frameon=False, fontsize=8, loc="lower right")
        ax.set_title(title, loc="left", fontsize=10)
        svg = svg_of(fig, name, title)
    return Plot(name=name, title=title, svg=svg)
