"""Closed answers: a worded answer mapped to its label, label accuracy, the per-label table, and the gates comparing
label accuracy (not token F1) on data sets whose questions are all closed. Expected values are written by hand."""

from __future__ import annotations

import pytest

from harness.backends import Generation
from harness.config import ScoringConfig
from harness.data import Question
from harness.gates import ResultSet, factuality_metric, promotion_comparison
from harness.metrics import ItemContext, find_label, label_table, score_item

LABELS = ("yes", "no", "maybe")
CFG = ScoringConfig()


def _ctx(answer: str, gold: str, labels: tuple[str, ...] = LABELS) -> ItemContext:
    q = Question(qid="q", question="?", answers=(gold,), answerable=True, gold_doc_ids=("d",), task_type="grounded",
                 labels=labels)  # fmt: skip
    g = Generation(qid="q", text=answer, latency_s=0.1, prompt_tokens=1, completion_tokens=1, finish_reason="stop")
    return ItemContext(question=q, generation=g)


@pytest.mark.parametrize(
    ("answer", "gold", "label_accuracy"),
    [
        ("Yes, the trial showed fewer colds in the treated group [1].", "yes", 1.0),
        ("No. Honeybee numbers did not differ between the farms [2].", "no", 1.0),
        ("The evidence is mixed, so maybe.", "maybe", 1.0),
        ("It is not clear from the study; no.", "maybe", 0.0),  # says "no" first
        ("Perhaps, the authors are unsure.", "maybe", 0.0),  # names no label
        ("I cannot answer that from the passages.", "no", 0.0),  # a refusal that happens to contain no label
        ("The passages do not mention it, so no.", "no", 0.0),  # a refusal, whatever label it names
        ("YES!", "Yes.", 1.0),  # case and punctuation do not matter
    ],
)
def test_label_accuracy_of_worded_answers(answer: str, gold: str, label_accuracy: float) -> None:
    scores = score_item(_ctx(answer, gold), CFG)
    assert scores["label_accuracy"] == label_accuracy
    assert scores["crag"] == (1.0 if label_accuracy else (0.0 if "cannot" in answer or "do not" in answer else -1.0))


def test_token_f1_cannot_credit_a_right_worded_closed_answer() -> None:
    """The reason for the metric: "Yes, ..." against "yes" is right but scores F1 2/7 (1 shared token of 6)."""
    scores = score_item(_ctx("Yes, the trial showed fewer colds overall [1].", "yes"), CFG)
    # yes trial showed fewer colds overall ("the" and the marker dropped): precision 1/6, recall 1/1
    assert scores["f1"] == pytest.approx(2 * (1 / 6) * 1 / (1 / 6 + 1))
    assert scores["label_accuracy"] == 1.0


def test_open_questions_have_no_label_accuracy() -> None:
    assert score_item(_ctx("Paris", "Paris", labels=()), CFG)["label_accuracy"] is None


def test_the_earliest_label_wins_and_the_longer_label_at_one_position() -> None:
    assert find_label("No, and not yes either", ("yes", "no")) == "no"
    assert find_label("not sure, maybe not", ("not", "not sure")) == "not sure"
    assert find_label("Option (B) fits best", ("A", "B", "C")) == "B"
    assert find_label("nothing here", ("yes", "no")) is None  # "nothing" is not the word "no"


def test_the_per_label_table_counts_accuracy_and_confusions() -> None:
    records = [
        {"qid": "1", "gold_label": "yes", "predicted_label": "yes"},
        {"qid": "2", "gold_label": "yes", "predicted_label": "no"},
        {"qid": "3", "gold_label": "no", "predicted_label": None},
        {"qid": "4", "gold_label": "yes", "predicted_label": "yes"},
        {"qid": "5", "gold_label": "no", "predicted_label": "no"},
        {"qid": "6", "gold_label": "maybe", "predicted_label": "yes", "error": "timeout"},  # errors are left out
        {"qid": "7", "f1": 1.0},  # an open question
    ]
    assert label_table(records) == [
        {"label": "yes", "n": 3, "correct": 2, "accuracy": 2 / 3, "predicted": {"yes": 2, "no": 1}},
        {"label": "no", "n": 2, "correct": 1, "accuracy": 0.5, "predicted": {"(none)": 1, "no": 1}},
    ]
    assert label_table([{"qid": "7", "f1": 1.0}]) == []


def _arm(name: str, rows: list[tuple[str, float | None, float]]) -> ResultSet:
    records = tuple({"qid": q, "label_accuracy": la, "f1": f1, "gold_doc_ids": [q]} for q, la, f1 in rows)
    return ResultSet(condition=name, size_group="tiny", quantization="Q4_1", records=records)


def test_the_gate_compares_label_accuracy_on_closed_data_sets() -> None:
    # Every answer is worded (F1 0.2 in both arms); the candidate names the right label on 8 of 10, the baseline 3.
    baseline = _arm("base", [(f"q{i}", float(i < 3), 0.2) for i in range(10)])
    candidate = _arm("cand", [(f"q{i}", float(i < 8), 0.2) for i in range(10)])
    assert factuality_metric(ScoringConfig(), baseline, candidate) == "label_accuracy"
    cmp, _ = promotion_comparison(candidate, baseline, ScoringConfig(cluster_by="none"))
    assert (cmp.metric, cmp.difference) == ("label_accuracy", pytest.approx(50.0))  # 80 % - 30 %
    forced, _ = promotion_comparison(candidate, baseline, ScoringConfig(cluster_by="none", factuality_metric="f1"))
    assert (forced.metric, forced.difference) == ("f1", pytest.approx(0.0))


def test_a_mixed_or_open_data_set_keeps_token_f1_under_auto() -> None:
    mixed = _arm("m", [("q0", 1.0, 0.2), ("q1", None, 0.9)])
    assert factuality_metric(ScoringConfig(), mixed, mixed) == "f1"
    assert factuality_metric(ScoringConfig(factuality_metric="label_accuracy"), mixed, mixed) == "label_accuracy"
    stored_before = ResultSet(condition="o", size_group="tiny", quantization="Q4_1", records=({"qid": "q", "f1": 1.0},))
    assert factuality_metric(ScoringConfig(), stored_before, stored_before) == "f1"
