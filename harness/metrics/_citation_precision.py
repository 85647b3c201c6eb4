"""``citation_precision``: the share of valid citations that point at a passage from a gold document."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._citations import resolve_citations
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["citation_precision"]


def citation_precision(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """None when the answer cites no shown passage (invalid markers are counted by ``citation_count``)."""
    cited = resolve_citations(ctx).passages
    if not cited:
        return {"citation_precision": None}
    gold = set(ctx.question.gold_doc_ids)
    return {"citation_precision": sum(p.doc_id in gold for p in cited) / len(cited)}
