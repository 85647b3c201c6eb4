"""Hit@k: did any of the first k passages come from a gold document?"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from harness.errors import ConfigError
from harness.retrieval._types import Passage

__all__ = ["hit_at_k"]


def hit_at_k(passages: Sequence[Passage], gold_doc_ids: Collection[str], k: int) -> float:
    """1.0 if one of the first ``k`` passages is from a gold document, else 0.0 (also with no gold ids)."""
    if k < 1:
        raise ConfigError(f"k={k} must be >= 1")
    return 1.0 if any(p.doc_id in gold_doc_ids for p in passages[:k]) else 0.0
