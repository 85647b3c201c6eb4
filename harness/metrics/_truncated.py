"""``truncated``: generation stopped at the token limit (finish_reason ``length``)."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["truncated"]


def truncated(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    return {"truncated": float(ctx.generation.truncated)}
