"""Reciprocal rank: 1 / position of the first passage from a gold document."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from harness.retrieval._types import Passage

__all__ = ["reciprocal_rank"]


def reciprocal_rank(passages: Sequence[Passage], gold_doc_ids: Collection[str]) -> float:
    """``1/n`` for the first gold passage at position ``n`` (1-based), 0.0 if none; its mean is MRR."""
    for position, passage in enumerate(passages, start=1):
        if passage.doc_id in gold_doc_ids:
            return 1.0 / position
    return 0.0
