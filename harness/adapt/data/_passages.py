"""Passages for training prompts: the same word-window chunks, numbering and format as evaluation."""

from __future__ import annotations

import random
from collections.abc import Sequence

from harness.data import Dataset, Document, token_set
from harness.retrieval import Chunk, Passage, chunk_document

__all__ = ["ChunkPool", "number_passages"]


class ChunkPool:
    """Chunks of the corpus by document, and seeded picks of gold and distractor chunks."""

    def __init__(self, dataset: Dataset, chunk_size: int, chunk_overlap: int) -> None:
        self._dataset = dataset
        self._size, self._overlap = chunk_size, chunk_overlap
        self._by_doc: dict[str, list[Chunk]] = {}
        self._doc_ids = sorted(d.doc_id for d in dataset.corpus)

    def chunks(self, doc_id: str) -> list[Chunk]:
        if doc_id not in self._by_doc:
            doc: Document = self._dataset.document(doc_id)
            self._by_doc[doc_id] = chunk_document(doc, self._size, self._overlap)
        return self._by_doc[doc_id]

    def gold_chunk(self, doc_id: str, answer: str, question: str) -> Chunk | None:
        """The first chunk holding the answer verbatim, else the one sharing most words with the question."""
        chunks = self.chunks(doc_id)
        needle = answer.lower().strip()
        holding = [c for c in chunks if needle and needle in c.text.lower()]
        if holding:
            return holding[0]
        return _most_overlapping(chunks, question)

    def context_chunk(self, doc_id: str, question: str) -> Chunk | None:
        return _most_overlapping(self.chunks(doc_id), question)

    def distractors(self, rng: random.Random, k: int, avoid_docs: Sequence[str], avoid_text: str = "") -> list[Chunk]:
        """``k`` chunks from other documents that do not contain ``avoid_text``."""
        picked: list[Chunk] = []
        candidates = [d for d in self._doc_ids if d not in set(avoid_docs)]
        for doc_id in rng.sample(candidates, min(len(candidates), 4 * k + 4)):
            chunks = [c for c in self.chunks(doc_id) if not avoid_text or avoid_text.lower() not in c.text.lower()]
            if chunks and len(picked) < k:
                picked.append(rng.choice(chunks))
        return picked


def number_passages(chunks: Sequence[Chunk]) -> list[Passage]:
    """Passages ``[1]..[n]`` in the given order, as the retriever would rank them."""
    return [Passage(chunk=c, rank=i, score=0.0) for i, c in enumerate(chunks, start=1)]


def _most_overlapping(chunks: Sequence[Chunk], question: str) -> Chunk | None:
    if not chunks:
        return None
    words = token_set(question)
    return max(chunks, key=lambda c: len(words & token_set(c.text)))
