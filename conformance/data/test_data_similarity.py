"""Near-duplicate detection: SQuAD normalisation, Jaccard, and the prefix-filter index against brute force."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.data import NearDuplicateIndex, jaccard, normalize_text, token_set
from harness.data._similarity import Match, dedupe


def test_normalize_like_squad() -> None:
    assert normalize_text("The  Normans' land, a DUCHY!") == "normans land duchy"
    assert normalize_text("An answer.") == "answer"
    assert normalize_text("anthem theater") == "anthem theater"  # articles only as whole words


def test_jaccard() -> None:
    assert jaccard(token_set("Who ruled the Normans?"), token_set("who ruled normans")) == 1.0
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset(), frozenset()) == 1.0 and jaccard(frozenset(), frozenset({"x"})) == 0.0


WORDS = st.sampled_from(["who", "what", "river", "nile", "flow", "north", "king", "ruled", "year", "war", "not"])
SETS = st.lists(st.frozensets(WORDS, max_size=7), max_size=25)


def brute_force(sets: list[frozenset[str]], query: frozenset[str], threshold: float) -> tuple[int, float] | None:
    """(position, similarity) of the most similar set at or above ``threshold``, earliest on ties."""
    hits = [(i, jaccard(query, s)) for i, s in enumerate(sets) if jaccard(query, s) >= threshold]
    return max(hits, key=lambda hit: (hit[1], -hit[0]), default=None)


@settings(max_examples=200, deadline=None)
@given(SETS, st.frozensets(WORDS, max_size=7), st.sampled_from([0.0, 0.3, 0.5, 0.7, 0.9, 1.0]), st.booleans())
def test_index_agrees_with_brute_force(
    sets: list[frozenset[str]], query: frozenset[str], threshold: float, use_frequencies: bool
) -> None:
    frequencies = Counter(t for s in sets for t in s) if use_frequencies else None
    index = NearDuplicateIndex(threshold, frequencies)
    for s in sets:
        index.add(s)
    match = index.best(query)
    assert (None if match is None else (match.position, match.similarity)) == brute_force(sets, query, threshold)


def test_dedupe_keeps_the_first() -> None:
    texts = ["What is the capital?", "what is capital", "Where is the river?", "What is the capital of France?"]
    assert dedupe(texts, 0.9) == [0, 2, 3]
    assert dedupe(texts, 0.5) == [0, 2]


def test_index_compares_only_sets_sharing_a_prefix_token() -> None:
    """The point of the index: at threshold 0.9 two 2-token sets match only if equal, so each needs only its first
    token (in the global order) indexed; sets that share only a later token are never compared."""
    index = NearDuplicateIndex(0.9)
    index.add(frozenset({"a", "z"}))
    index.add(frozenset({"b", "z"}))
    assert index._candidates(frozenset({"c", "z"})) == set()
    assert index._candidates(frozenset({"a", "z"})) == {0}


def test_a_pair_at_exactly_the_threshold_is_found() -> None:
    """Jaccard({a, b}, {b}) = 0.5: with the threshold at 0.5, the prefix of {a, b} must hold both tokens."""
    index = NearDuplicateIndex(0.5)
    index.add(frozenset({"a", "b"}))
    assert index.best(frozenset({"b"})) == Match(position=0, similarity=0.5)
