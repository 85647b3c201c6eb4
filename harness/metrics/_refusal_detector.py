"""Decide whether an answer is a refusal ("the passages do not contain the answer").

Our models refuse in words, not with an empty string, so refusal is a pattern match: any configured
regular expression (case-insensitive) found in the answer, or an answer with no visible text at all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from harness.config import ScoringConfig
from harness.errors import ConfigError

__all__ = ["RefusalDetector", "detector_for"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


class RefusalDetector:
    """``detector(text) -> bool``: True when ``text`` is empty or matches a refusal pattern."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self._compiled = tuple(_compile(i, p) for i, p in enumerate(self.patterns))

    def __call__(self, text: str) -> bool:
        clean = text.translate(_APOSTROPHES).strip()  # "I don’t know" refuses like "I don't know"
        return not clean or any(rx.search(clean) for rx in self._compiled)

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
