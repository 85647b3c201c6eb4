"""A real MiniLM + FAISS index over thirty topical documents: it finds the right one and is cached."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from conformance.retrieval._topic_corpus import CORPUS, QUERIES
from harness.cache import Cache
from harness.config import RetrievalConfig
from harness.errors import ConfigError, DataError
from harness.retrieval import (
    Embedder,
    RetrievalIndex,
    Retriever,
    hit_at_k,
    index_key,
    load_embedder,
    reciprocal_rank,
)
from harness.retrieval._index_files import INDEX_FILE

pytestmark = pytest.mark.slow

# Small windows, so most documents become several overlapping chunks.
CFG = RetrievalConfig(chunk_size=24, chunk_overlap=6, embed_batch_size=16)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Cache:
    return Cache(tmp_path_factory.mktemp("retrieval") / "cache")


@pytest.fixture(scope="module")
def index(shared_cache: Cache) -> RetrievalIndex:
    """Built once per module (embedding is the slow part); tests only read it or build other entries."""
    return RetrievalIndex.build(CORPUS, CFG, shared_cache, embedder=load_embedder("embedded"))


def test_each_topic_question_finds_its_document_first(index: RetrievalIndex) -> None:
    results = index.search([q for q, _ in QUERIES], k=5)
    misses = [(q, [p.doc_id for p in r]) for (q, gold), r in zip(QUERIES, results, strict=True) if r[0].doc_id != gold]
    assert not misses, misses
    assert sum(hit_at_k(r, {gold}, 1) for (_, gold), r in zip(QUERIES, results, strict=True)) == len(QUERIES)
    assert sum(reciprocal_rank(r, {gold}) for (_, gold), r in zip(QUERIES, results, strict=True)) == len(QUERIES)


def test_search_is_one_batched_call_with_ranked_passages(index: RetrievalIndex) -> None:
    calls_before = index.embedder.calls
    results = index(["volcanic eruptions", "espresso beans", "paper folding"], k=4)
    assert index.embedder.calls == calls_before + 1
    assert [r[0].doc_id for r in results] == ["volcano", "coffee", "origami"]
    for passages in results:
        assert [p.rank for p in passages] == [1, 2, 3, 4]
        scores = [p.score for p in passages]
        assert scores == sorted(scores, reverse=True) and -1.0 <= scores[-1] <= scores[0] <= 1.0 + 1e-5


def test_metrics_on_real_rankings_follow_the_gold_position(index: RetrievalIndex) -> None:
    (passages,) = index.search(["How do glaciers carve valleys?"], k=10)
    position = next(n for n, p in enumerate(passages, start=1) if p.doc_id == "tides")
    assert reciprocal_rank(passages, {"tides"}) == pytest.approx(1 / position)
    assert hit_at_k(passages, {"tides"}, position) == 1.0
    assert hit_at_k(passages, {"tides"}, position - 1) == (0.0 if position > 1 else 1.0)


def test_k_larger_than_the_index_returns_every_chunk(index: RetrievalIndex) -> None:
    (passages,) = index.search(["anything"], k=10_000)
    assert len(passages) == len(index.chunks)
    assert sorted(p.chunk.chunk_id for p in passages) == sorted(c.chunk_id for c in index.chunks)


def test_bad_k_and_no_queries(index: RetrievalIndex) -> None:
    assert index.search([], k=3) == []
    with pytest.raises(ConfigError, match="k=0"):
        index.search(["x"], k=0)


def test_second_build_loads_from_cache_without_embedding(shared_cache: Cache, index: RetrievalIndex) -> None:
    fresh = load_embedder("embedded")
    again = RetrievalIndex.build(CORPUS, CFG, shared_cache, embedder=fresh)
    assert (index.reused, again.reused) == (False, True)
    assert fresh.calls == 0, "a cached index must not re-embed the corpus"
    assert again.describe() == index.describe()
    assert [c.chunk_id for c in again.chunks] == [c.chunk_id for c in index.chunks]


def test_changing_chunk_size_rebuilds(shared_cache: Cache, index: RetrievalIndex) -> None:
    fresh = load_embedder("embedded")
    bigger = RetrievalIndex.build(CORPUS, replace(CFG, chunk_size=40), shared_cache, embedder=fresh)
    assert not bigger.reused and fresh.calls == 1
    assert bigger.key != index.key and len(bigger.chunks) < len(index.chunks)


def test_changing_the_corpus_or_model_changes_the_key(index: RetrievalIndex) -> None:
    edited = (*CORPUS[:-1], replace(CORPUS[-1], text=CORPUS[-1].text + " One more sentence."))
    assert index_key(edited, CFG, index.embedder) != index.key
    other_model = Embedder(name="embedded", source="unused", weights_sha256="0" * 64)
    assert index_key(CORPUS, CFG, other_model) != index.key
    assert index_key(CORPUS, replace(CFG, top_k=9, embed_batch_size=1), index.embedder) == index.key


def test_corrupt_cached_index_is_rebuilt(cache: Cache) -> None:
    small = CORPUS[:4]
    first = RetrievalIndex.build(small, CFG, cache, embedder=load_embedder("embedded"))
    faiss_file = first.entry / INDEX_FILE
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    fresh = load_embedder("embedded")
    again = RetrievalIndex.build(small, CFG, cache, embedder=fresh)
    assert not again.reused and fresh.calls == 1
    assert again.search(["Where do bread loaves rise?"], k=1)[0][0].doc_id == "bread"


def test_describe_names_what_produced_the_passages(index: RetrievalIndex, embedder: Embedder) -> None:
    info = index.describe()
    assert info["model"] == "embedded" and info["model_weights_sha256"] == embedder.weights_sha256 != ""
    assert info["dims"] == 384 and info["n_chunks"] == len(index.chunks) > len(CORPUS)
    assert info["key"] == index.key and (info["chunk_size"], info["chunk_overlap"]) == (24, 6)
    assert isinstance(index, Retriever)


def test_default_embedder_comes_from_the_config(cache: Cache) -> None:
    built = RetrievalIndex.build(CORPUS[:3], RetrievalConfig(), cache)
    assert built.embedder.name == "embedded" and len(built.chunks) == 3


def test_empty_corpus_is_a_data_error(cache: Cache, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="corpus is empty"):
        RetrievalIndex.build([], CFG, cache)
    assert not (tmp_path / "cache").exists()
