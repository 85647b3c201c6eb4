"""``RETRIEVERS``: retriever factories by name, imported only when used (faiss is heavy)."""

from __future__ import annotations

from harness.registry import Registry
from harness.retrieval._protocol import Retriever

__all__ = ["RETRIEVERS"]

# A factory takes (corpus, cfg: RetrievalConfig, cache: Cache) and returns a Retriever.
RETRIEVERS: Registry[Retriever] = Registry("retriever", entry_point_group="harness.retrievers")
RETRIEVERS.register("faiss", "harness.retrieval._index:faiss_retriever")
