"""Metric edges: exact key names, boundaries, the messages users read, and the similarity rule's wiring.

The embedding model is replaced by a recording stand-in where only the wiring is under test (which answer, which
golds, which model, how the cosine is rounded and thresholded); the model itself is tested in ``test_refusal.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from conformance.metrics.metrics_builders import ctx, generation, passage, question
from harness.config import ScoringConfig
from harness.errors import ConfigError, DataError
from harness.metrics import METRICS, ItemContext, RefusalDetector, aggregate, parse_citations, score_item
from harness.metrics._citation_grounding import grounding
from harness.metrics._squad2 import squad2_evaluate, squad2_questions

CFG = ScoringConfig()
SIMILARITY_CFG = ScoringConfig(semantic_similarity=True, similarity_model="stand-in-model")
BY_MEANING = ScoringConfig(correct_rule="similarity", correct_threshold=0.7, similarity_model="stand-in-model")

Calls = list[tuple[str, tuple[str, ...], str]]


@pytest.fixture
def cosine(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], Calls]:
    """``cosine(value)``: the similarity model now answers ``value``; returns the list of calls it receives."""

    def install(value: float) -> Calls:
        calls: Calls = []

        def fake(answer: str, golds: tuple[str, ...], model: str = "embedded") -> float:
            calls.append((answer, golds, model))
            return value

        monkeypatch.setattr("harness.metrics._answer_similarity.similarity", fake)
        return calls

    return install


# --- answer similarity and the similarity rule ----------------------------------------------------------------------


def test_answer_similarity_is_the_rounded_cosine_of_the_visible_answer_and_the_non_blank_golds(
    cosine: Callable[[float], Calls],
) -> None:
    calls = cosine(0.123456789)
    item = ctx("Paris, on the Seine [1]", q=question(("Paris", " ", "City of Paris")), passages=(passage(1, "gold"),))
    assert METRICS.get("answer_similarity")(item, SIMILARITY_CFG) == {"answer_similarity": 0.123457}
    assert calls == [("Paris, on the Seine", ("Paris", "City of Paris"), "stand-in-model")]


@pytest.mark.parametrize(
    ("text", "answers", "answerable"),
    [("Paris", ("Paris",), False), ("I don't know", ("Paris",), True), ("Paris", ("  ",), True)],
)
def test_answer_similarity_is_not_applicable_without_an_answer_or_a_gold(
    cosine: Callable[[float], Calls], text: str, answers: tuple[str, ...], answerable: bool
) -> None:
    calls = cosine(0.9)
    item = ctx(text, q=question(answers, answerable=answerable))
    assert METRICS.get("answer_similarity")(item, SIMILARITY_CFG) == {"answer_similarity": None}
    assert calls == []


def test_answer_similarity_is_off_unless_asked_for(cosine: Callable[[float], Calls]) -> None:
    calls = cosine(0.9)
    assert METRICS.get("answer_similarity")(ctx("Paris"), CFG) == {"answer_similarity": None} and calls == []


@pytest.mark.parametrize(("value", "expected"), [(0.7, 1.0), (0.69, -1.0)])
def test_crag_under_the_similarity_rule_turns_on_the_cosine(
    cosine: Callable[[float], Calls], value: float, expected: float
) -> None:
    """An answer with F1 0 against its gold: only the cosine against the threshold decides."""
    calls = cosine(value)
    item = ctx("The French capital", q=question(("Paris",)))
    assert METRICS.get("crag")(item, BY_MEANING) == {"crag": expected}
    assert calls == [("The French capital", ("Paris",), "stand-in-model")]


def test_crag_under_the_similarity_rule_scores_a_missing_similarity_as_wrong(cosine: Callable[[float], Calls]) -> None:
    """A blank gold leaves nothing to compare with: similarity None counts as 0, below any threshold."""
    cosine(1.0)
    assert METRICS.get("crag")(ctx("Paris", q=question((" ",))), BY_MEANING) == {"crag": -1.0}


def test_crag_under_the_similarity_rule_still_scores_a_refusal_as_zero(cosine: Callable[[float], Calls]) -> None:
    calls = cosine(1.0)
    assert METRICS.get("crag")(ctx("I don't know", q=question(("Paris",))), BY_MEANING) == {"crag": 0.0}
    assert calls == []


# --- citation grounding and coverage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Guards keeper", 1.0),  # every word held, though not as a span
        ("Keeper was guarding", 0.5),  # "was" is a function word: keeper yes, guarding no
        ("Keeper was", 1.0),  # only content words count when there are some
        ("It was", 0.0),  # function words only: they all count, and the passage holds none
        ("THE KEEPER, GUARDS!", 1.0),  # case, articles and punctuation do not matter
    ],
)
def test_grounding_is_the_share_of_content_words_the_passage_holds(answer: str, expected: float) -> None:
    assert grounding(answer, ["Keeper guards the tower"]) == pytest.approx(expected)


def test_citation_grounding_keys_and_not_applicable_cases() -> None:
    grounded = METRICS.get("citation_grounding")
    shown = (passage(1, "gold"),)
    assert grounded(ctx("Paris [1]", q=question(answerable=False), passages=shown), CFG) == {"citation_grounding": None}
    assert grounded(ctx("...", passages=shown), CFG) == {"citation_grounding": None}  # no words, no citation
    assert grounded(ctx("Paris", passages=shown), CFG) == {"citation_grounding": 0.0}  # words, no citation


def test_a_cited_passage_without_content_words_covers_nothing() -> None:
    item = ctx("Paris [1]", passages=(passage(1, "gold", "It is so."),))
    assert METRICS.get("cited_passage_coverage")(item, CFG) == {"cited_passage_coverage": 0.0}


def test_content_words_are_lower_cased_before_their_length_is_counted() -> None:
    """ "muß" has three letters: not a content word (upper-cased it would be the four-letter "MUSS")."""
    item = ctx("muß [1]", passages=(passage(1, "gold", "Straße muß"),))
    assert METRICS.get("cited_passage_coverage")(item, CFG) == {"cited_passage_coverage": 0.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("[999999999999999999]", (999999999999999999,)), ("[1234567890123456789]", (10**18,))],
)
def test_citation_numbers_of_up_to_18_digits_are_read_longer_ones_are_out_of_range(
    text: str, expected: tuple[int, ...]
) -> None:
    assert parse_citations(text) == expected


# --- refusals, keywords, item checks --------------------------------------------------------------------------------


def test_refusal_patterns_ignore_case() -> None:
    assert RefusalDetector([r"\bpass\b"])("I PASS.")


def test_a_sentence_of_every_interjection_is_still_only_an_interjection() -> None:
    text = "Sorry, unfortunately, apologies, alas, hmm, well, ok, okay, I'm am. I don't know."
    assert RefusalDetector([r"^i don't know"])(text)


def test_invalid_pattern_message_is_whole() -> None:
    message = (
        "scoring.refusal_patterns[0]='(' is not a valid regular expression "
        "(missing ), unterminated subpattern at position 0); fix: escape special characters or correct the pattern"
    )
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        RefusalDetector(["("])


def test_keyword_coverage_key() -> None:
    item = ctx("Paris in France", q=question(keywords=("Paris", "Lyon")))
    assert METRICS.get("keyword_coverage")(item, CFG) == {"keyword_coverage": 0.5}


def test_a_generation_for_another_question_is_refused_with_the_fix() -> None:
    message = (
        "generation.qid='q2' does not match question.qid='q1'; fix: pair each generation with the question it answers"
    )
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        ItemContext(question=question(), generation=generation("Paris", qid="q2"), passages=())


def test_two_metrics_writing_one_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"^metric 'f1' writes key 'f1' that another metric already wrote$"):
        score_item(ctx("Paris"), CFG, names=["f1", "f1"])


# --- aggregate ------------------------------------------------------------------------------------------------------


def test_aggregate_without_refusal_fields_has_no_rates_or_strata() -> None:
    assert aggregate([{"f1": 0.5}, {"f1": 1.0}]) == {"n_items": 2, "f1": 0.75, "n_f1": 2}


def test_aggregate_drops_a_key_with_any_non_number_and_keeps_the_rest_of_the_item() -> None:
    items: list[dict[str, object]] = [{"label": "x", "f1": 0.5}, {"label": 1.0, "f1": 1.0}]
    assert aggregate(items) == {"n_items": 2, "f1": 0.75, "n_f1": 2}


def test_abstention_rates_with_no_refusal_at_all() -> None:
    summary = aggregate([{"refused": False, "answerable": True}, {"refused": False, "answerable": False}])
    assert summary["abstention_precision"] is None  # no refusal to be right about
    assert summary["abstention_recall"] == 0.0 and summary["over_refusal_rate"] == 0.0


def test_abstention_rates_count_only_items_with_both_flags() -> None:
    items: list[dict[str, Any]] = [
        {"refused": True, "answerable": False},
        {"refused": False, "answerable": True},
        {"refused": True},  # answerable unknown: left out of every rate
        {"answerable": True},  # refused unknown: left out too
    ]
    summary = aggregate(items)
    assert (summary["abstention_precision"], summary["abstention_recall"], summary["over_refusal_rate"]) == (1, 1, 0)


# --- SQuAD 2.0 files: where a malformed one is wrong ----------------------------------------------------------------


def _fix(where: str, kind: str) -> str:
    return f"^{re.escape(f'{where} must be a JSON {kind}; fix: use the SQuAD 2.0 format')}$"


@pytest.mark.parametrize(
    ("data", "where", "kind"),
    [
        ([], "dev.json: the top level", "object"),
        ({"data": ["x"]}, "dev.json: data[0]", "object"),
        ({"data": [{"paragraphs": "x"}]}, "dev.json: data[0].paragraphs", "array"),
        ({"data": [{"paragraphs": ["x"]}]}, "dev.json: data[0].paragraphs[0]", "object"),
        ({"data": [{"paragraphs": [{"qas": ["x"]}]}]}, "dev.json: data[0].paragraphs[0].qas[0]", "object"),
        ({"data": [{"paragraphs": [{"qas": [{"id": "q", "answers": "x"}]}]}]},
         "dev.json: data[0].paragraphs[0].qas[0].answers", "array"),
        ({"data": [{"paragraphs": [{"qas": [{"id": "q", "answers": ["x"]}]}]}]},
         "dev.json: data[0].paragraphs[0].qas[0].answers[0]", "object"),
    ],
)  # fmt: skip
def test_a_malformed_squad_file_names_the_place(data: object, where: str, kind: str) -> None:
    with pytest.raises(DataError, match=_fix(where, kind)):
        squad2_questions(data, "dev.json")


def test_a_squad_file_without_questions_is_refused() -> None:
    message = "the data file holds no questions; fix: pass a SQuAD 2.0 data file with questions"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        squad2_evaluate(squad2_questions({"data": []}, "dev.json"), {})
