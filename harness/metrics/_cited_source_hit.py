"""``cited_source_hit``: whether the answer cites at least one passage from a gold document."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._citations import resolve_citations
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["cited_source_hit"]


def cited_source_hit(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """0 when nothing valid is cited; None when no passages were shown or no gold document is named."""
    gold = set(ctx.question.gold_doc_ids)
    if not ctx.passages or not gold:
        return {"cited_source_hit": None}
    return {"cited_source_hit": float(bool(resolve_citations(ctx).doc_ids & gold))}
