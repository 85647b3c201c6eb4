"""Where a condition's answers are journaled, and how many of them a run actually computed.

The journal key is the model's identity plus the decoding settings. Settings that change only how fast answers
come (``parallel_sequences``, ``concurrency``) are left out, so changing them reuses every stored answer; so are
settings outside ``generation`` (gates, scoring), which is why changing a gate threshold re-scores without
generating.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from harness.backends import Backend, Completed, Generation, GenerationRequest, completions
from harness.cache import stage_key
from harness.config import GenerationConfig

__all__ = ["EXECUTION_ONLY", "GENERATIONS_VERSION", "CountingBackend", "journal_path"]

GENERATIONS_VERSION = "1"
EXECUTION_ONLY = frozenset({"parallel_sequences", "concurrency"})


def journal_path(cache_root: Path, identity: Mapping[str, object], generation: GenerationConfig) -> Path:
    """``<cache>/generations/<key>.jsonl`` for this model and these decoding settings."""
    settings = {k: v for k, v in dataclasses.asdict(generation).items() if k not in EXECUTION_ONLY}
    key = stage_key("generations", GENERATIONS_VERSION, model=dict(identity), generation=settings)
    return cache_root / "generations" / f"{key}.jsonl"


class CountingBackend:
    """A backend that counts the requests it was asked to answer (the rest came from the journal).

    Its ``stream`` is the wrapped backend's (or its ``generate``, ``batch_size`` at a time), so wrapping never
    changes when an answer reaches the journal.
    """

    def __init__(self, backend: Backend, batch_size: int) -> None:
        self.backend = backend
        self.batch_size = batch_size
        self.generated = 0

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self.generated += len(requests)
        return self.backend.generate(requests)

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        self.generated += len(requests)
        return completions(self.backend, requests, self.batch_size)

    def describe(self) -> Mapping[str, object]:
        return self.backend.describe()

    def close(self) -> None:
        self.backend.close()
