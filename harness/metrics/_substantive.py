"""``substantive``: the answer is not a refusal and has more than ``substantive_min_words`` words."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._prediction import is_refusal
from harness.metrics._text import answer_text
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["substantive"]


def substantive(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    words = len(answer_text(ctx.generation.text).split())
    return {"substantive": float(not is_refusal(ctx, cfg) and words > cfg.substantive_min_words)}
