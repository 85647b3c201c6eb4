"""The refusal detector, the refusal metric and the CRAG-style score."""

from __future__ import annotations

import functools

import pytest
from metrics_builders import ctx, question

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
        "Paris", "The capital of France is Paris [1].", "1,000 people", "Answer: no.", "Notably, it is 42.",
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
    strict = functools.partial(METRICS.get("crag"), correct_f1=0.8)
    assert strict(item, CFG) == {"crag": -1.0}
    assert METRICS.get("crag")(ctx("I don't know", q=question(("Paris",))), CFG) == {"crag": 0.0}
    assert METRICS.get("crag")(ctx("No answer.", q=question((), answerable=False)), CFG) == {"crag": 1.0}
    assert METRICS.get("crag")(ctx("Louis", q=question((), answerable=False)), CFG) == {"crag": -1.0}
