"""``label_accuracy``: 1 when a closed question's answer names its gold label, else 0 (None for open questions).

The factuality metric of data sets whose questions declare ``labels`` (``scoring.factuality_metric: auto``):
token F1 of "Yes, the trial showed ..." against "yes" is near 0 even when the answer is right.
"""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.data import gold_label
from harness.metrics._labels import predicted_label
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["label_accuracy"]


def label_accuracy(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    gold = gold_label(ctx.question)
    if gold is None:
        return {"label_accuracy": None}
    return {"label_accuracy": float(predicted_label(ctx, cfg) == gold)}
