"""Training loss by step (train and validation) for each adapter the run's conditions served. Read by
``harness.tracking``'s ``loss_curve`` (the adapter cache entry's ``EXPERIMENT_METADATA.json``, else the copy the
result recorded); conditions that share one adapter (an FT arm with and without RAG) share one chart."""

from __future__ import annotations

from collections.abc import Sequence

from harness.report._mpl import PALETTE, Plot, figure, svg_of
from harness.results import ConditionEntry, LossPoint, loss_curve

__all__ = ["loss_plots"]

_SERIES = (("train_loss", "train loss", PALETTE[0]), ("val_loss", "validation loss", PALETTE[1]))


def loss_plots(entries: Sequence[ConditionEntry]) -> list[Plot]:
    curves: dict[str, tuple[list[str], tuple[LossPoint, ...]]] = {}
    for e in entries:
        curve = loss_curve(e.adaptation)
        if curve:
            adapter = str((e.adaptation or {}).get("artifact_dir") or e.label)
            curves.setdefault(adapter, ([], curve))[0].append(e.label)
    return [_plot(labels, curve) for labels, curve in curves.values()]


def _plot(labels: Sequence[str], curve: Sequence[LossPoint]) -> Plot:
    name = f"loss-{labels[0]}"
    plain = [label for label in labels if "@" not in label] or list(labels[:1])  # variants serve the same adapter
    title = f"Training loss: {', '.join(plain)}"
    with figure(name, 6.4, 3.0) as fig:
        ax = fig.subplots()
        for key, label, colour in _SERIES:
            points = [(p.step, p.values[key]) for p in curve if key in p.values]
            if points:
                ax.plot([s for s, _ in points], [v for _, v in points], "o-", color=colour, label=label)
        ax.set_xlabel("optimizer step")
        ax.set_ylabel("loss")
        ax.legend(frameon=False)
        ax.set_title(title, loc="left", fontsize=10)
        svg = svg_of(fig, name, title)
    return Plot(
        name=name,
        title=title,
        svg=svg,
        note=f"the adapter served by {', '.join(labels)}; one point per evaluation (each epoch's end)",
    )
