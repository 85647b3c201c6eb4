"""``source_hit``: whether any shown passage comes from a gold document (the retrieval "citation hit")."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["source_hit"]


def source_hit(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """None when no passages were shown or the question names no gold document."""
    gold = set(ctx.question.gold_doc_ids)
    if not ctx.passages or not gold:
        return {"source_hit": None}
    return {"source_hit": float(any(p.doc_id in gold for p in ctx.passages))}
