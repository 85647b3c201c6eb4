"""Retrieval: building and querying the index through the harness (chunk, batched embedding, FAISS, cache files,
checksums) against plain sentence-transformers + FAISS on the same chunks. Target: >= 0.9x the throughput."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.perf._perf import ROOT, interleaved, median, record, size
from harness.cache import Cache
from harness.config import Condition
from harness.data import load_dataset
from harness.retrieval import RetrievalIndex, cached_search, chunk_corpus, embedded_embedding_model_dir, load_embedder
from harness.retrieval._index_files import embedding_text

TARGET = 0.9


def test_index_build_and_query_throughput_against_plain_sentence_transformers_and_faiss(
    benchmark: Any, baseline: Condition, tmp_path: Path
) -> None:
    import faiss
    from sentence_transformers import SentenceTransformer

    dataset = load_dataset(ROOT / baseline.data.dataset)
    # Quick keeps most of the work: with less, the fixed cost of writing and checksumming the index files dominates.
    corpus = dataset.corpus[: size(len(dataset.corpus), 150)]
    queries = [q.question for q in dataset.questions[:300]]
    cfg, k = baseline.retrieval, baseline.retrieval.top_k
    texts = [embedding_text(c) for c in chunk_corpus(corpus, cfg)]
    model = SentenceTransformer(str(embedded_embedding_model_dir()), device="cpu")
    embedder = load_embedder(cfg.embedding_model)
    embedder.encode(["warm up"])  # both arms start with a loaded model
    found: dict[str, list[list[int]]] = {}
    builds = iter(range(1000))

    def harness() -> None:
        cache = Cache(tmp_path / f"cache-{next(builds)}")  # a fresh cache: the index is really built
        index = RetrievalIndex.build(corpus, cfg, cache, embedder=embedder)
        hits = cached_search(index, queries, k, cache)
        found["harness"] = [[index.chunks.index(p.chunk) for p in h] for h in hits]

    def plain() -> None:
        vectors = model.encode(texts, batch_size=cfg.embed_batch_size, normalize_embeddings=True)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        asked = model.encode(queries, batch_size=cfg.embed_batch_size, normalize_embeddings=True)
        found["plain"] = index.search(asked, k)[1].tolist()

    seconds = benchmark.pedantic(interleaved, args=({"harness": harness, "plain": plain}, size(3, 3)), rounds=1)
    ratio = median(seconds["plain"]) / median(seconds["harness"])  # throughput ratio: same work, inverse time
    items = len(texts) + len(queries)
    record(benchmark, "index build+query throughput: harness / plain sentence-transformers+FAISS", ratio,
           f">= {TARGET}", chunks=len(texts), queries=len(queries),
           items_per_s={arm: items / median(s) for arm, s in seconds.items()}, seconds=seconds)  # fmt: skip
    assert found["harness"] == found["plain"], "the two arms retrieved different chunks"
    assert ratio >= TARGET, f"harness at {ratio:.2f}x the plain throughput (target >= {TARGET}): {seconds}"
