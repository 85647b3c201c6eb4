"""``citation_recall``: of the gold documents that were shown, the share the answer cites."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._citations import resolve_citations
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["citation_recall"]


def citation_recall(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """Counted per document, not per passage. None when no gold document was shown."""
    shown_gold = {p.doc_id for p in ctx.passages} & set(ctx.question.gold_doc_ids)
    if not shown_gold:
        return {"citation_recall": None}
    cited_gold = resolve_citations(ctx).doc_ids & shown_gold
    return {"citation_recall": len(cited_gold) / len(shown_gold)}
