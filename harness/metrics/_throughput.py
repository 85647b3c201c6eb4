"""``tokens_per_s``: completion tokens per second of latency."""

from __future__ import annotations

import math

from harness.config import ScoringConfig
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["tokens_per_s"]


def tokens_per_s(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """None when no latency was measured (a zero or vanishing latency would make the rate infinite)."""
    gen = ctx.generation
    rate = gen.completion_tokens / gen.latency_s if gen.latency_s > 0 else math.inf
    return {"tokens_per_s": rate if math.isfinite(rate) else None}
