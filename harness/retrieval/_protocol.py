"""The interface every retriever implements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from harness.retrieval._types import Passage

__all__ = ["Retriever"]


@runtime_checkable
class Retriever(Protocol):
    """Maps a batch of queries to their top-``k`` passages each (ranks 1-based), in query order."""

    def __call__(self, queries: Sequence[str], k: int) -> list[list[Passage]]: ...

    def describe(self) -> Mapping[str, object]:
        """What produced the passages (model, index, key), recorded in result files."""
        ...
