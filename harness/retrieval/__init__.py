"""Retrieval: chunk the corpus, embed the chunks, search them with FAISS, and score the results.

Importing this package is cheap: faiss and sentence-transformers load only when an index is
built or searched.
"""

from harness.retrieval._chunking import chunk_corpus, chunk_document
from harness.retrieval._embedder import Embedder, load_embedder
from harness.retrieval._hit_at_k import hit_at_k
from harness.retrieval._index import INDEX_STAGE, INDEX_VERSION, RetrievalIndex, corpus_fingerprint, index_key
from harness.retrieval._index_files import read_chunks
from harness.retrieval._model_files import embedded_embedding_model_dir
from harness.retrieval._protocol import Retriever
from harness.retrieval._reciprocal_rank import reciprocal_rank
from harness.retrieval._registry import RETRIEVERS
from harness.retrieval._search_cache import SEARCH_STAGE, cached_search
from harness.retrieval._types import Chunk, Passage

__all__ = [
    "INDEX_STAGE",
    "INDEX_VERSION",
    "RETRIEVERS",
    "SEARCH_STAGE",
    "Chunk",
    "Embedder",
    "Passage",
    "RetrievalIndex",
    "Retriever",
    "cached_search",
    "chunk_corpus",
    "chunk_document",
    "corpus_fingerprint",
    "embedded_embedding_model_dir",
    "hit_at_k",
    "index_key",
    "load_embedder",
    "read_chunks",
    "reciprocal_rank",
]
