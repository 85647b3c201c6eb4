"""The refusal detector, the refusal metric and the CRAG-style score."""

from __future__ import annotations

import pytest

from conformance.metrics.metrics_builders import ctx, question
from harness.config import ScoringConfig
from harness.errors import ConfigError
from harness.metrics import METRICS, RefusalDetector, crag_outcome, detector_for

CFG = ScoringConfig()
DEFAULT = RefusalDetector(CFG.refusal_patterns)


@pytest.mark.parametrize(
    "text",
    [
        "I cannot answer this question from the given passages.",
        "The passages do not contain the answer.",
        "The context does not mention who won.",
        "There is not enough information to answer.",
        "I don't know.",
        "I don’t know.",  # typographic apostrophe
        "I DO NOT KNOW",
        "That is not stated in the passages.",
        "No information about that is given.",
        "",
        "   \n ",
        "Sorry. The passages do not contain the answer.",  # an interjection before the refusal
        "Unfortunately, I cannot answer that from the passages [1].",
        "I'm sorry. I don't know.",
    ],
)
def test_default_patterns_detect_refusals(text: str) -> None:
    assert DEFAULT(text)


@pytest.mark.parametrize(
    "text",
    [
        "Paris",
        "The capital of France is Paris [1].",
        "1,000 people",
        "Answer: no.",
        "Notably, it is 42.",
        # answers that qualify themselves with refusal words after answering (seen on yes/no/maybe data sets)
        "The answer is no. The passage does not provide the exact year.",
        "Yes [1]. The passages do not mention when it happened.",
        "Maybe: the study was small. No information is given on the follow-up.",
    ],
)
def test_default_patterns_leave_answers_alone(text: str) -> None:
    assert not DEFAULT(text)


def test_patterns_are_configurable() -> None:
    detector = RefusalDetector([r"\bpass\b"])
    assert detector("I pass.") and not detector("I don't know")
    assert RefusalDetector([])("") and not RefusalDetector([])("anything")


def test_invalid_pattern_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"refusal_patterns\[1\]='\(unclosed' is not a valid regular expression"):
        RefusalDetector([r"ok", "(unclosed"])


def test_detector_is_compiled_once_per_pattern_set() -> None:
    assert detector_for(CFG) is detector_for(ScoringConfig())
    assert detector_for(ScoringConfig(refusal_patterns=("x",))).patterns == ("x",)


@pytest.mark.parametrize(
    ("text", "answerable", "expected"),
    [
        ("I cannot answer that.", False, {"refused": 1.0, "answerable": 0.0, "correct_abstention": 1.0,
                                          "over_refusal": None}),
        ("Louis XIV", False, {"refused": 0.0, "answerable": 0.0, "correct_abstention": 0.0, "over_refusal": None}),
        ("I cannot answer that.", True, {"refused": 1.0, "answerable": 1.0, "correct_abstention": None,
                                         "over_refusal": 1.0}),
        ("Paris [1]", True, {"refused": 0.0, "answerable": 1.0, "correct_abstention": None, "over_refusal": 0.0}),
        ("<think>I don't know</think>Paris", True, {"refused": 0.0, "answerable": 1.0, "correct_abstention": None,
                                                    "over_refusal": 0.0}),
        ("<think>Paris?</think>", True, {"refused": 1.0, "answerable": 1.0, "correct_abstention": None,
                                         "over_refusal": 1.0}),
    ],
)  # fmt: skip
def test_refusal_metric(text: str, answerable: bool, expected: dict[str, float | None]) -> None:
    q = question(("Paris",) if answerable else (), answerable=answerable)
    assert METRICS.get("refusal")(ctx(text, q=q), CFG) == expected


@pytest.mark.parametrize(
    ("answerable", "refused", "f1", "expected"),
    [(True, False, 0.5, 1.0), (True, False, 0.49, -1.0), (True, True, 0.0, 0.0),
     (False, True, 1.0, 1.0), (False, False, 0.0, -1.0), (False, False, 1.0, -1.0)],
)  # fmt: skip
def test_crag_outcome(answerable: bool, refused: bool, f1: float, expected: float) -> None:
    assert crag_outcome(answerable=answerable, refused=refused, f1=f1) == expected


def test_crag_metric_and_its_threshold() -> None:
    item = ctx("Paris France", q=question(("Paris",)))  # F1 = 2/3
    assert METRICS.get("crag")(item, CFG) == {"crag": 1.0}
    assert METRICS.get("crag")(item, ScoringConfig(correct_threshold=0.8)) == {"crag": -1.0}
    assert METRICS.get("crag")(ctx("I don't know", q=question(("Paris",))), CFG) == {"crag": 0.0}
    assert METRICS.get("crag")(ctx("No answer.", q=question((), answerable=False)), CFG) == {"crag": 1.0}
    assert METRICS.get("crag")(ctx("Louis", q=question((), answerable=False)), CFG) == {"crag": -1.0}


LONG_GOLD = "Regular exercise lowers blood pressure in adults with mild hypertension, by about five points."


@pytest.mark.slow
def test_long_form_answers_are_judged_by_meaning_under_the_similarity_rule() -> None:
    """A right long-form answer worded unlike its reference fails F1 >= 0.5 but passes on similarity; an answer
    that repeats the question, or a wrong one, does not pass either way (the failure the issue reports)."""
    q = question((LONG_GOLD,))
    right = ctx("Yes. In adults whose hypertension is mild, working out regularly reduces their blood pressure.", q=q)
    wrong = ctx("No. Exercise has no measurable effect on how fast the heart beats during sleep.", q=q)
    by_f1, by_meaning = ScoringConfig(), ScoringConfig(correct_rule="similarity", correct_threshold=0.7)
    assert METRICS.get("crag")(right, by_f1) == {"crag": -1.0}  # F1 < 0.5 although right
    assert METRICS.get("crag")(right, by_meaning) == {"crag": 1.0}
    assert METRICS.get("crag")(wrong, by_meaning) == {"crag": -1.0}
    right_sim = METRICS.get("answer_similarity")(right, by_meaning)["answer_similarity"]
    wrong_sim = METRICS.get("answer_similarity")(wrong, by_meaning)["answer_similarity"]
    print(f"similarity right {right_sim:.3f} wrong {wrong_sim:.3f}")
    assert right_sim > 0.7 > wrong_sim
    assert METRICS.get("answer_similarity")(right, CFG) == {"answer_similarity": None}  # off unless asked for


def test_similarity_is_cosine_of_unit_vectors() -> None:
    import numpy as np

    from harness.metrics._answer_similarity import _embedder, similarity
    from harness.retrieval import load_embedder

    assert similarity("Paris", ("Paris",)) == pytest.approx(1.0, abs=1e-5)
    vectors = load_embedder("embedded").encode(["a cat sat", "a dog ran", "stock prices fell"])
    expected = max(float(np.dot(vectors[0], vectors[1])), float(np.dot(vectors[0], vectors[2])))
    assert similarity("a cat sat", ("a dog ran", "stock prices fell")) == pytest.approx(expected, abs=1e-5)
    assert _embedder.cache_info().currsize >= 1
