"""Decide whether an answer is a refusal ("the passages do not contain the answer").

Our models refuse in words, not with an empty string, so refusal is a pattern match: a configured regular
expression (case-insensitive) found in the answer's *leading statement*, or an answer with no visible text at all.
The leading statement is the first sentence that is not a bare interjection ("Sorry.", "Unfortunately,"): an answer
that answers first and qualifies after ("The answer is no. The passage does not provide the year.") is an answer,
not a refusal, although its second sentence holds refusal words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from harness.config import ScoringConfig
from harness.errors import ConfigError

__all__ = ["RefusalDetector", "detector_for", "leading_statement"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_INTERJECTIONS = frozenset({"sorry", "unfortunately", "apologies", "alas", "hmm", "well", "ok", "okay", "i'm", "am"})


def leading_statement(text: str) -> str:
    """The first sentence of ``text`` that says something beyond an interjection (the whole text if none does)."""
    for sentence in _SENTENCE_END.split(text):
        words = re.findall(r"[\w']+", sentence.lower())
        if words and not set(words) <= _INTERJECTIONS:
            return sentence
    return text


class RefusalDetector:
    """``detector(text) -> bool``: True when ``text`` is empty or matches a refusal pattern."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self._compiled = tuple(_compile(i, p) for i, p in enumerate(self.patterns))

    def __call__(self, text: str) -> bool:
        clean = text.translate(_APOSTROPHES).strip()  # "I don’t know" refuses like "I don't know"
        if not clean:
            return True
        lead = leading_statement(clean)
        return any(rx.search(lead) for rx in self._compiled)

    def __repr__(self) -> str:
        return f"RefusalDetector(patterns={self.patterns!r})"


def _compile(index: int, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            f"scoring.refusal_patterns[{index}]={pattern!r} is not a valid regular expression ({exc}); "
            "fix: escape special characters or correct the pattern"
        ) from None


@functools.lru_cache(maxsize=16)
def _cached(patterns: tuple[str, ...]) -> RefusalDetector:
    return RefusalDetector(patterns)


def detector_for(cfg: ScoringConfig) -> RefusalDetector:
    """The (compiled once, cached) detector for ``cfg.refusal_patterns``."""
    return _cached(tuple(cfg.refusal_patterns))
