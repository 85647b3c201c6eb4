"""Where a condition's answers are journaled, and how many of them a run actually computed.

The journal key is the model's identity plus the decoding settings. Settings that change only how fast answers
come (``parallel_sequences``) are left out, so changing them reuses every stored answer; so are settings outside
``generation`` (gates, scoring), which is why changing a gate threshold re-scores without generating.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

from harness.backends import Backend, Generation, GenerationRequest
from harness.cache import stage_key
from harness.config import GenerationConfig

__all__ = ["EXECUTION_ONLY", "GENERATIONS_VERSION", "CountingBackend", "journal_path"]

GENERATIONS_VERSION = "1"
EXECUTION_ONLY = frozenset({"parallel_sequences"})


def journal_path(cache_root: Path, identity: Mapping[str, object], generation: GenerationConfig) -> Path:
    """``<cache>/generations/<key>.jsonl`` for this model and these decoding settings."""
    settings = {k: v for k, v in dataclasses.asdict(generation).items() if k not in EXECUTION_ONLY}
    key = stage_key("generations", GENERATIONS_VERSION, model=dict(identity), generation=settings)
    return cache_root / "generations" / f"{key}.jsonl"


class CountingBackend:
    """A backend that counts the requests it was asked to answer (the rest came from the journal)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.generated = 0

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self.generated += len(requests)
        return self.backend.generate(requests)

    def describe(self) -> Mapping[str, object]:
        return self.backend.describe()

    def close(self) -> None:
        self.backend.close()
