"""Split documents into overlapping word windows: the unit that is embedded and retrieved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from harness.errors import ConfigError, DataError
from harness.retrieval._types import Chunk

if TYPE_CHECKING:
    from harness.config import RetrievalConfig
    from harness.data import Document

__all__ = ["chunk_corpus", "chunk_document", "window_starts"]


def window_starts(n_words: int, size: int, overlap: int) -> range:
    """Start offsets of the windows covering ``n_words`` words; each window adds at least one new word."""
    if size < 1 or not 0 <= overlap < size:
        raise ConfigError(f"chunk_size={size}, chunk_overlap={overlap}: need chunk_size >= 1 and 0 <= overlap < size")
    # Window i ends where window i+1's overlap ends; a window starting at s adds new words iff s + overlap < n.
    return range(0, max(n_words - overlap, 1), size - overlap)


def chunk_document(doc: Document, size: int, overlap: int) -> list[Chunk]:
    """Word windows of ``size`` words, consecutive ones sharing ``overlap`` words; ids ``<doc_id>::<n>``.

    A document shorter than ``size`` is one chunk; a document without words gives none.
    """
    words = doc.text.split()
    if not words:
        return []
    return [
        Chunk(chunk_id=f"{doc.doc_id}::{n}", doc_id=doc.doc_id, title=doc.title, text=" ".join(words[s : s + size]))
        for n, s in enumerate(window_starts(len(words), size, overlap))
    ]


def chunk_corpus(docs: Iterable[Document], cfg: RetrievalConfig) -> list[Chunk]:
    """Every document's chunks, in corpus order. Duplicate ``doc_id`` values are an error."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for doc in docs:
        if doc.doc_id in seen:
            raise DataError(f"doc_id={doc.doc_id!r} appears twice in the corpus; doc ids must be unique")
        seen.add(doc.doc_id)
        chunks.extend(chunk_document(doc, cfg.chunk_size, cfg.chunk_overlap))
    return chunks
