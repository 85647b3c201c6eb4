"""``exact_match``: 1 when the normalised answer equals a normalised gold answer (SQuAD 2.0 rules)."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._prediction import squad_prediction
from harness.metrics._squad_text import best_exact
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["exact_match"]


def exact_match(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """Max over gold answers; an unanswerable question's gold is '' (a refusal scores 1)."""
    return {"exact_match": best_exact(ctx.question.answers, squad_prediction(ctx, cfg))}
