"""Search results stored by content: a warm run gets the same passages without touching the embedding model."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from harness.cache import Cache
from harness.config import RetrievalConfig
from harness.data import Document
from harness.retrieval import SEARCH_STAGE, Embedder, RetrievalIndex, cached_search

CORPUS = [Document(doc_id=f"d{i}", title=f"Topic {i}", text=f"word{i} " * (20 + i)) for i in range(8)]
QUERIES = ["word1 topic", "word5", "something else"]


class _HashModel:
    """A deterministic stand-in for a sentence-transformers model: unit vectors from SHA-256 of the text."""

    def get_embedding_dimension(self) -> int:
        return 16

    def encode(self, texts: list[str], **_: Any) -> Any:
        rows = np.array([list(hashlib.sha256(t.encode()).digest()[:16]) for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def index(tmp_path: Path) -> tuple[RetrievalIndex, Cache, Embedder]:
    cache = Cache(tmp_path / "cache")
    embedder = Embedder(name="hash", source="hash", weights_sha256="0" * 64, model=_HashModel())
    return (
        RetrievalIndex.build(CORPUS, RetrievalConfig(chunk_size=10, chunk_overlap=2), cache, embedder=embedder),
        cache,
        embedder,
    )


def test_a_second_search_reads_the_stored_passages(index: tuple[RetrievalIndex, Cache, Embedder]) -> None:
    idx, cache, embedder = index
    first = cached_search(idx, QUERIES, 3, cache)
    calls = embedder.calls
    again = cached_search(idx, QUERIES, 3, cache)
    assert embedder.calls == calls  # nothing embedded the second time
    assert again == first == idx.search(QUERIES, 3)
    assert len(list((cache.root / SEARCH_STAGE).iterdir())) == 2  # one entry (+ its lock file)


def test_other_queries_or_k_search_again(index: tuple[RetrievalIndex, Cache, Embedder]) -> None:
    idx, cache, embedder = index
    cached_search(idx, QUERIES, 3, cache)
    calls = embedder.calls
    assert cached_search(idx, QUERIES, 2, cache) == idx.search(QUERIES, 2)
    assert cached_search(idx, QUERIES[:2], 3, cache) == idx.search(QUERIES[:2], 3)
    assert embedder.calls == calls + 4  # two searches, each checked against a direct search
