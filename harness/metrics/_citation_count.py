"""``citation_count``: how many distinct valid markers the answer has, and how many point at nothing."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._citations import resolve_citations
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["citation_count"]


def citation_count(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """Keys ``citations`` (markers naming a shown passage) and ``invalid_citations`` (e.g. ``[999]``)."""
    cited = resolve_citations(ctx)
    return {"citations": float(len(cited.passages)), "invalid_citations": float(len(cited.invalid))}
