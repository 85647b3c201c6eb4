"""Search results stored by content, so a warm run answers retrieval without loading the embedding model.

The key is the index's own key (corpus, embedding model, chunking), ``k`` and the exact query texts: any change
to one of them searches again. Passages come back identical (row, rank and score) to a fresh search.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from harness.cache import Cache, canonical_json, stage_key
from harness.errors import CacheError
from harness.retrieval._index import RetrievalIndex
from harness.retrieval._types import Passage

__all__ = ["SEARCH_STAGE", "SEARCH_VERSION", "cached_search"]

SEARCH_STAGE = "retrieval_results"
SEARCH_VERSION = "1"
_HITS_FILE = "hits.json"


def cached_search(index: RetrievalIndex, queries: Sequence[str], k: int, cache: Cache) -> list[list[Passage]]:
    """``index.search(queries, k)``, computed once per (index, k, queries) and then read from ``cache``."""
    digest = hashlib.sha256(canonical_json(list(queries)).encode("utf-8")).hexdigest()
    key = stage_key(SEARCH_STAGE, SEARCH_VERSION, index=index.key, k=k, queries=digest)
    rows = {chunk.chunk_id: row for row, chunk in enumerate(index.chunks)}

    def build(out: Path) -> None:
        found = index.search(queries, k)
        hits = [[[rows[p.chunk.chunk_id], p.score] for p in passages] for passages in found]
        (out / _HITS_FILE).write_text(json.dumps(hits) + "\n", encoding="utf-8")

    entry = cache.get_or_build(SEARCH_STAGE, key, build, version=SEARCH_VERSION)
    hits = json.loads((entry / _HITS_FILE).read_text(encoding="utf-8"))
    if len(hits) != len(queries):
        raise CacheError(f"{entry}: {len(hits)} result lists for {len(queries)} queries; delete it to search again")
    return [_passages(index, found) for found in hits]


def _passages(index: RetrievalIndex, found: list[list[float]]) -> list[Passage]:
    return [Passage(chunk=index.chunks[int(row)], rank=n, score=score) for n, (row, score) in enumerate(found, 1)]
