"""Chunks of the corpus and the passages a retriever returns for a question."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Chunk", "Passage"]


@dataclass(frozen=True, kw_only=True)
class Chunk:
    chunk_id: str  # "<doc_id>::<n>"
    doc_id: str
    title: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Passage:
    """A chunk shown to the model as passage [rank] (1-based), with its retrieval score."""

    chunk: Chunk
    rank: int
    score: float

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id
