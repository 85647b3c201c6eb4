"""``think_leak``: a ``<think>`` (or ``</think>``) tag reached the output; the answer is scored without it."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._text import has_think_block
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["think_leak"]


def think_leak(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    return {"think_leak": float(has_think_block(ctx.generation.text))}
