"""``RetrievalIndex``: chunks of a corpus embedded into a FAISS inner-product index, cached by content."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.cache import Cache, canonical_json, stage_key
from harness.errors import ConfigError, DataError
from harness.retrieval._embedder import Embedder, load_embedder
from harness.retrieval._index_files import read_index_files, write_index_files
from harness.retrieval._types import Chunk, Passage

if TYPE_CHECKING:
    from harness.config import RetrievalConfig
    from harness.data import Document

__all__ = ["INDEX_STAGE", "INDEX_VERSION", "RetrievalIndex", "corpus_fingerprint", "faiss_retriever", "index_key"]

INDEX_STAGE = "retrieval_index"
INDEX_VERSION = "1"  # bump when chunking, embedding text or the file layout changes


def corpus_fingerprint(corpus: Sequence[Document]) -> str:
    """SHA256 over every document's id, title and text, in order (metadata does not change the index)."""
    digest = hashlib.sha256()
    for doc in corpus:
        digest.update(canonical_json([doc.doc_id, doc.title, doc.text]).encode("utf-8") + b"\n")
    return digest.hexdigest()


def index_key(corpus: Sequence[Document], cfg: RetrievalConfig, embedder: Embedder) -> str:
    """The cache key: corpus content, embedding model identity, chunking, and this code's version."""
    chunking = {"size": cfg.chunk_size, "overlap": cfg.chunk_overlap}
    model = embedder.identity
    return stage_key(INDEX_STAGE, INDEX_VERSION, corpus=corpus_fingerprint(corpus), model=model, chunking=chunking)


class RetrievalIndex:
    """Top-k chunk retrieval by cosine similarity (normalised embeddings in a FAISS ``IndexFlatIP``)."""

    def __init__(
        self, *, chunks: Sequence[Chunk], index: Any, embedder: Embedder, cfg: RetrievalConfig, key: str, entry: Path
    ) -> None:
        self.chunks = list(chunks)
        self.embedder = embedder
        self.cfg = cfg
        self.key = key
        self.entry = entry
        self.reused = False  # set by ``build``: True when the index came from the cache
        self._index = index

    @classmethod
    def build(
        cls, corpus: Sequence[Document], cfg: RetrievalConfig, cache: Cache, *, embedder: Embedder | None = None
    ) -> RetrievalIndex:
        """Chunk, embed and index ``corpus``, or load the identical index from ``cache``."""
        if not corpus:
            raise DataError("the corpus is empty; retrieval needs at least one document (check corpus.jsonl)")
        embedder = embedder if embedder is not None else load_embedder(cfg.embedding_model)
        key = index_key(corpus, cfg, embedder)
        built: list[bool] = []

        def build_files(directory: Path) -> None:
            built.append(True)
            write_index_files(directory, corpus, cfg, embedder)

        entry = cache.get_or_build(INDEX_STAGE, key, build_files, version=INDEX_VERSION)
        chunks, index = read_index_files(entry)
        result = cls(chunks=chunks, index=index, embedder=embedder, cfg=cfg, key=key, entry=entry)
        result.reused = not built
        return result

    @property
    def dims(self) -> int:
        return int(self._index.d)

    def search(self, queries: Sequence[str], k: int) -> list[list[Passage]]:
        """The ``k`` best passages per query, best first, ranks 1-based: one embed call, one FAISS search."""
        if k < 1:
            raise ConfigError(f"k={k} must be >= 1")
        if not queries:
            return []
        vectors = self.embedder.encode(list(queries), self.cfg.embed_batch_size)
        scores, rows = self._index.search(vectors, min(k, len(self.chunks)))
        return [self._passages(s, r) for s, r in zip(scores.tolist(), rows.tolist(), strict=True)]

    __call__ = search

    def _passages(self, scores: list[float], rows: list[int]) -> list[Passage]:
        hits = [(s, r) for s, r in zip(scores, rows, strict=True) if r >= 0]  # FAISS pads missing hits with -1
        return [Passage(chunk=self.chunks[r], rank=n, score=s) for n, (s, r) in enumerate(hits, start=1)]

    def describe(self) -> dict[str, object]:
        """What produced the passages, for result files."""
        return {
            "retriever": "faiss",
            "index": "IndexFlatIP",
            "model": self.embedder.name,
            "model_weights_sha256": self.embedder.weights_sha256,
            "dims": self.dims,
            "n_chunks": len(self.chunks),
            "chunk_size": self.cfg.chunk_size,
            "chunk_overlap": self.cfg.chunk_overlap,
            "key": self.key,
            # The cache entry: its chunks.jsonl gives the report the text of the passages each record names by id.
            "entry": str(self.entry),
        }


def faiss_retriever(corpus: Sequence[Document], cfg: RetrievalConfig, cache: Cache) -> RetrievalIndex:
    """The ``faiss`` entry of ``RETRIEVERS``."""
    return RetrievalIndex.build(corpus, cfg, cache)
