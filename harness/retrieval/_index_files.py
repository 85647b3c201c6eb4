"""The files of a cached index: ``index.faiss`` (FAISS IndexFlatIP), ``chunks.jsonl`` and ``info.json``."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import CacheError, DataError
from harness.retrieval._chunking import chunk_corpus
from harness.retrieval._types import Chunk

if TYPE_CHECKING:
    from harness.config import RetrievalConfig
    from harness.data import Document
    from harness.retrieval._embedder import Embedder

__all__ = [
    "CHUNKS_FILE",
    "INDEX_FILE",
    "INFO_FILE",
    "embedding_text",
    "read_chunks",
    "read_index_files",
    "write_index_files",
]

INDEX_FILE = "index.faiss"
CHUNKS_FILE = "chunks.jsonl"
INFO_FILE = "info.json"


def embedding_text(chunk: Chunk) -> str:
    """What is embedded: the title too, because a chunk from the middle of a document may never name its topic."""
    return f"{chunk.title}\n{chunk.text}" if chunk.title else chunk.text


def write_index_files(directory: Path, corpus: Sequence[Document], cfg: RetrievalConfig, embedder: Embedder) -> None:
    """Chunk, embed and index ``corpus`` into ``directory``."""
    import faiss

    chunks = chunk_corpus(corpus, cfg)
    if not chunks:
        raise DataError(f"the corpus has {len(corpus)} documents but no words to index; check the text fields")
    started = time.perf_counter()
    vectors = embedder.encode([embedding_text(c) for c in chunks], cfg.embed_batch_size)
    seconds = time.perf_counter() - started
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    faiss.write_index(index, str(directory / INDEX_FILE))
    _write_chunks(directory / CHUNKS_FILE, chunks)
    info = {"n_chunks": len(chunks), "dims": int(vectors.shape[1]), "embed_seconds": round(seconds, 3)}
    (directory / INFO_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_index_files(directory: Path) -> tuple[list[Chunk], Any]:
    """The chunks and the FAISS index of a built entry; row ``i`` of the index is ``chunks[i]``."""
    import faiss

    index = faiss.read_index(str(directory / INDEX_FILE))
    chunks = read_chunks(directory)
    if index.ntotal != len(chunks):
        raise CacheError(f"{directory}: index has {index.ntotal} rows but {len(chunks)} chunks; delete it to rebuild")
    return chunks, index


def _write_chunks(path: Path, chunks: Sequence[Chunk]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for c in chunks:
            row = {"chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "text": c.text}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_chunks(directory: Path) -> list[Chunk]:
    """The chunks of a built entry, in index row order (the report shows their text beside each record)."""
    with (directory / CHUNKS_FILE).open(encoding="utf-8") as fh:
        return [Chunk(**json.loads(line)) for line in fh if line.strip()]
