"""``f1``: token-overlap F1 between the answer and the best gold answer (SQuAD 2.0 rules)."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._prediction import squad_prediction
from harness.metrics._squad_text import best_f1
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["f1"]


def f1(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """Max over gold answers; an unanswerable question's gold is '' (a refusal scores 1)."""
    return {"f1": best_f1(ctx.question.answers, squad_prediction(ctx, cfg))}
