"""``latency_s``: wall-clock seconds the backend took for this item."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["latency_s"]


def latency_s(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    return {"latency_s": float(ctx.generation.latency_s)}
