"""Near-duplicate questions: SQuAD-style normalisation, token-set Jaccard, and a fast index.

The SQuAD importer (to drop near-copies) and the leak check (to fail on them) share this module,
so "near-duplicate" means exactly the same thing in both places.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Match", "NearDuplicateIndex", "dedupe", "iter_kept", "jaccard", "normalize_text", "token_set"]

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def normalize_text(text: str) -> str:
    """The official SQuAD normalisation: lowercase, drop punctuation and articles, squeeze spaces."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split())


def token_set(text: str) -> frozenset[str]:
    return frozenset(normalize_text(text).split())


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are the same (normalised) text, so 1.0."""
    union = len(a | b)
    return len(a & b) / union if union else 1.0


@dataclass(frozen=True)
class Match:
    """The most similar indexed text: its position in insertion order and the similarity."""

    position: int
    similarity: float


class NearDuplicateIndex:
    """Finds indexed token sets with Jaccard >= ``threshold`` without comparing every pair.

    Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): with tokens in one global order,
    two sets with Jaccard >= t must share a token among their first ``|s| - ceil(t*|s|) + 1``.
    ``frequencies`` only sets that order (rare tokens first keeps candidate lists short); results
    do not depend on it.
    """

    def __init__(self, threshold: float, frequencies: Counter[str] | None = None) -> None:
        self.threshold = threshold
        self._freq = frequencies or Counter()
        self._sets: list[frozenset[str]] = []
        self._postings: dict[str, list[int]] = {}

    def add(self, tokens: frozenset[str]) -> int:
        position = len(self._sets)
        self._sets.append(tokens)
        for token in self._prefix(tokens):
            self._postings.setdefault(token, []).append(position)
        return position

    def best(self, tokens: frozenset[str]) -> Match | None:
        """The most similar indexed set at or above the threshold (earliest on ties), or None."""
        scored = (Match(p, jaccard(tokens, self._sets[p])) for p in sorted(self._candidates(tokens)))
        matches = [m for m in scored if m.similarity >= self.threshold]
        return max(matches, key=lambda m: (m.similarity, -m.position), default=None)

    def _candidates(self, tokens: frozenset[str]) -> set[int]:
        if self.threshold <= 0:  # every pair qualifies, even disjoint ones
            return set(range(len(self._sets)))
        if not tokens:  # only another empty set can reach a positive threshold
            return {p for p, s in enumerate(self._sets) if not s}
        return {p for token in self._prefix(tokens) for p in self._postings.get(token, ())}

    def _prefix(self, tokens: frozenset[str]) -> list[str]:
        # The epsilon keeps float error (0.7 * 10 = 7.000000000000001) from shortening the prefix.
        keep = len(tokens) - math.ceil(self.threshold * len(tokens) - 1e-9) + 1
        return sorted(tokens, key=lambda t: (self._freq[t], t))[:keep]


def dedupe(texts: Sequence[str], threshold: float) -> list[int]:
    """Positions of ``texts`` to keep: each text is dropped if it near-duplicates an earlier kept one."""
    return list(iter_kept(texts, threshold))


def iter_kept(texts: Sequence[str], threshold: float) -> Iterable[int]:
    """Like :func:`dedupe`, lazily, so a caller can stop after enough texts were kept."""
    sets = [token_set(t) for t in texts]
    index = NearDuplicateIndex(threshold, Counter(token for s in sets for token in s))
    for position, tokens in enumerate(sets):
        if index.best(tokens) is None:
            index.add(tokens)
            yield position
