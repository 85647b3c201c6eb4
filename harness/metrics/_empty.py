"""``empty``: nothing visible is left once reasoning blocks and citation markers are removed."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._text import answer_text
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["empty"]


def empty(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    return {"empty": float(not answer_text(ctx.generation.text))}
