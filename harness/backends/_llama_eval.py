"""How many prompt tokens llama-cpp-python actually evaluated for one completion, so a run shows its prefix reuse.

``Llama.generate`` compares the new prompt with the tokens in the KV cache, keeps the longest common prefix and
passes only the rest to ``Llama.eval`` (one call, which llama-cpp-python cuts into ``n_batch`` batches); every later
``eval`` call in that completion is one sampled token. llama.cpp's own counters cannot tell the two apart here
(``llama_perf_context`` is off by default, ``no_perf``), so the first ``eval`` call of each completion is counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["EVALUATED_KEY", "PromptEvalCounter"]

# The key of Generation.extra that holds the count; summed into result.json's generations.prompt_tokens.
EVALUATED_KEY = "prompt_tokens_evaluated"


class PromptEvalCounter:
    """Wraps one ``Llama``'s ``eval``. ``start()`` before a completion; ``evaluated`` after it."""

    def __init__(self, llm: Any) -> None:
        self._eval = llm.eval
        self._waiting = False
        self.evaluated = 0
        # An instance attribute shadows the method: ``generate`` calls ``self.eval`` and reaches the count.
        llm.eval = self._counted

    def start(self) -> None:
        self._waiting, self.evaluated = True, 0

    def _counted(self, tokens: Sequence[int]) -> None:
        if self._waiting:  # the prompt's uncached rest (empty when the whole prompt was cached)
            self._waiting, self.evaluated = False, len(tokens)
        self._eval(tokens)
