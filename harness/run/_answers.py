"""Where a condition's answers are journaled, and how many of them a run actually computed.

The journal key is the model's identity plus the decoding settings. Settings that change only how fast answers
come (``parallel_sequences``, ``concurrency``) are left out, so changing them reuses every stored answer; so are
settings outside ``generation`` (gates, scoring), which is why changing a gate threshold re-scores without
generating.

``CountingBackend`` also sums the prompt tokens of the answers it computed: submitted, and evaluated where the engine
says how many its prefix cache did not hold (llama.cpp, ``prompt_tokens_evaluated``), so a result shows the reuse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from harness.backends import EVALUATED_KEY, Backend, Completed, Generation, GenerationRequest, completions
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
        self._submitted = 0
        self._evaluated: int | None = 0  # None once an answer came from an engine that does not count it

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self.generated += len(requests)
        gens = self.backend.generate(requests)
        self._tally(gens)
        return gens

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        self.generated += len(requests)
        return self._tallied(completions(self.backend, requests, self.batch_size))

    def prompt_tokens(self) -> dict[str, int | None]:
        """Prompt tokens of the answers computed here (failures left out): submitted, and evaluated (None: unknown)."""
        return {"submitted": self._submitted, "evaluated": self._evaluated}

    def _tallied(self, items: Iterator[Completed]) -> Iterator[Completed]:
        for item in items:
            self._tally([item.generation])
            yield item

    def _tally(self, gens: Iterable[Generation]) -> None:
        for gen in gens:
            if gen.error:
                continue
            self._submitted += gen.prompt_tokens
            evaluated = gen.extra.get(EVALUATED_KEY)
            if self._evaluated is None or not isinstance(evaluated, int):
                self._evaluated = None
            else:
                self._evaluated += evaluated

    def describe(self) -> Mapping[str, object]:
        return self.backend.describe()

    def close(self) -> None:
        self.backend.close()
