"""Hypothesis properties: bounds of every metric, EM <= F1, order and formatting invariance."""

from __future__ import annotations

import math
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.metrics.metrics_builders import generation, passage, question
from harness.config import ScoringConfig
from harness.metrics import METRICS, ItemContext, compute_exact, compute_f1, gold_answers, parse_citations, score_item

CFG = ScoringConfig()
WORDS = ["Paris", "france", "the", "a", "An", "capital", "city", "of", "1,000", "Zürich", "x", "don't", "know",
         "cannot", "answer", "not", "mentioned", "é", "-", "[1]", "[2, 3]", "[999]", "[-1]", "<think>",
         "</think>"]  # fmt: skip
phrases = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
texts = st.one_of(phrases, st.text(max_size=30))
ascii_texts = st.text(alphabet=string.ascii_letters + string.digits + string.punctuation + " ", max_size=30)
DOCS = ["d1", "d2", "d3"]

SIGNED = {"crag": {-1.0, 0.0, 1.0}}
COUNTS = {"citations", "invalid_citations"}
NON_NEGATIVE = {"latency_s", "tokens_per_s"}
BINARY = {"exact_match", "source_hit", "cited_source_hit", "refused", "answerable", "correct_abstention",
          "over_refusal", "substantive", "truncated", "empty", "think_leak"}  # fmt: skip


@st.composite
def items(draw: st.DrawFn) -> ItemContext:
    answerable = draw(st.booleans())
    answers = draw(st.lists(texts, min_size=1, max_size=3)) if answerable else []
    q = question(answers, answerable=answerable, gold_doc_ids=draw(st.lists(st.sampled_from(DOCS), max_size=2)),
                 keywords=draw(st.lists(texts, max_size=3)))  # fmt: skip
    shown = [passage(i + 1, draw(st.sampled_from(DOCS)), draw(texts)) for i in range(draw(st.integers(0, 4)))]
    gen = generation(draw(texts), latency_s=draw(st.floats(0, 1e3)), completion_tokens=draw(st.integers(0, 10**4)),
                     finish_reason=draw(st.sampled_from(["stop", "length"])))  # fmt: skip
    return ItemContext(question=q, generation=gen, passages=tuple(shown))


@settings(max_examples=300, deadline=None)
@given(items())
def test_every_metric_stays_within_its_bounds(item: ItemContext) -> None:
    scores = score_item(item, CFG)
    for key, value in scores.items():
        if value is None:
            continue
        assert math.isfinite(value), key
        if key in SIGNED:
            assert value in SIGNED[key], key
        elif key in COUNTS:
            assert value >= 0 and value == int(value), key
        elif key in NON_NEGATIVE:
            assert value >= 0, key
        else:
            assert 0.0 <= value <= 1.0, key
            assert key not in BINARY or value in (0.0, 1.0), key
    assert scores["exact_match"] is not None and scores["f1"] is not None
    assert scores["exact_match"] <= scores["f1"]


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_exact_match_never_exceeds_f1_and_f1_is_symmetric(gold: str, pred: str) -> None:
    assert compute_exact(gold, pred) <= compute_f1(gold, pred)
    assert math.isclose(compute_f1(gold, pred), compute_f1(pred, gold), rel_tol=1e-12)


@settings(deadline=None)
@given(st.lists(texts, min_size=1, max_size=4), texts, st.data())
def test_scores_do_not_depend_on_the_order_of_gold_answers(answers: list[str], pred: str, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(answers))
    for name in ("exact_match", "f1", "crag"):
        metric = METRICS.get(name)
        original = metric(ItemContext(question=question(answers), generation=generation(pred)), CFG)
        permuted = metric(ItemContext(question=question(shuffled), generation=generation(pred)), CFG)
        assert original == permuted


def _reformat(text: str, data: st.DataObject) -> str:
    """Flip ASCII case, insert punctuation anywhere and articles between words."""
    flipped = "".join(c.swapcase() if data.draw(st.booleans()) else c for c in text)
    chars = list(flipped)
    for _ in range(data.draw(st.integers(0, 4))):
        chars.insert(data.draw(st.integers(0, len(chars))), data.draw(st.sampled_from(string.punctuation)))
    words = "".join(chars).split()
    for _ in range(data.draw(st.integers(0, 3))):
        words.insert(data.draw(st.integers(0, len(words))), data.draw(st.sampled_from(["a", "an", "the", "The"])))
    return " ".join(words)


@settings(max_examples=300, deadline=None)
@given(st.lists(ascii_texts, min_size=1, max_size=3), ascii_texts, st.data())
def test_case_punctuation_and_articles_do_not_matter(answers: list[str], pred: str, data: st.DataObject) -> None:
    variant = _reformat(pred, data)
    golds = gold_answers(answers)
    assert max(compute_exact(g, variant) for g in golds) == max(compute_exact(g, pred) for g in golds)
    assert max(compute_f1(g, variant) for g in golds) == max(compute_f1(g, pred) for g in golds)


@settings(deadline=None)
@given(st.text(max_size=60))
def test_citation_parsing_never_fails_and_yields_distinct_non_negative_numbers(text: str) -> None:
    markers = parse_citations(text)
    assert len(set(markers)) == len(markers)
    assert all(m >= 0 for m in markers)
