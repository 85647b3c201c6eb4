"""Closed questions (``labels``) and a data set's own ``split``: loaded, validated (file, field, fix), used as given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.config import DataConfig
from harness.data import build_splits, load_dataset, read_questions_jsonl, write_questions_jsonl
from harness.errors import DataError

YESNO = Path(__file__).resolve().parents[2] / "fixtures" / "yesno_tiny"


def _write(root: Path, questions: list[dict[str, Any]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "corpus.jsonl").write_text(json.dumps({"doc_id": "d", "title": "D", "text": "Some text."}) + "\n")
    (root / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions))
    return root


def _q(qid: str, **changes: Any) -> dict[str, Any]:
    row = {"qid": qid, "question": f"Is {qid} so?", "answers": ["yes"], "answerable": True, "gold_doc_ids": ["d"],
           "task_type": "grounded", "labels": ["yes", "no", "maybe"]}  # fmt: skip
    return {**row, **changes}


def test_the_yesno_fixture_loads_with_labels_and_its_own_split() -> None:
    rows = [json.loads(line) for line in (YESNO / "questions.jsonl").read_text().splitlines()]
    dataset = load_dataset(YESNO)
    assert 30 <= len(dataset.questions) <= 60
    assert all(q.labels == ("yes", "no", "maybe") for q in dataset.questions)
    splits = build_splits(dataset, DataConfig(split_seed=1))
    assert splits.given
    for name, part in (("train", splits.train), ("val", splits.val), ("test", splits.test)):
        assert [q.qid for q in part] == [r["qid"] for r in rows if r["split"] == name]


def test_labels_and_split_round_trip_through_the_writer(tmp_path: Path) -> None:
    questions = read_questions_jsonl(YESNO / "questions.jsonl")
    write_questions_jsonl(tmp_path / "q.jsonl", questions)
    assert read_questions_jsonl(tmp_path / "q.jsonl") == questions


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (_q("a", answers=["perhaps"]), 'answers[0]="perhaps" is not one of the labels; fix: write one of'),
        (_q("a", labels=["yes"]), 'labels=["yes"] must hold at least two different labels'),
        (_q("a", labels=["Yes", "yes!"]), "must hold at least two different labels"),
        (_q("a", answerable=False, answers=[], gold_doc_ids=[], task_type="refusal"),
         'labels=["yes", "no", "maybe"] is set but answerable=false; fix: drop labels, or set answerable to true'),
        (_q("a", labels="yes/no"), 'labels="yes/no" must be a list of strings'),
        (_q("a", split="dev"), 'split="dev" is not a split name; fix: use one of train, val, test'),
    ],
)  # fmt: skip
def test_a_bad_label_or_split_names_file_field_and_fix(tmp_path: Path, row: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError) as info:
        load_dataset(_write(tmp_path / "ds", [row]))
    assert "questions.jsonl:1" in str(info.value) and message in str(info.value)


def test_a_gold_answer_spelled_differently_from_its_label_is_accepted(tmp_path: Path) -> None:
    (question,) = load_dataset(_write(tmp_path / "ds", [_q("a", answers=["Yes."])])).questions
    assert question.answers == ("Yes.",)


def test_a_half_marked_split_is_refused_with_the_fix(tmp_path: Path) -> None:
    rows = [_q("a", split="train"), _q("b", split="test"), _q("c"), _q("d")]
    dataset = load_dataset(_write(tmp_path / "ds", rows))
    with pytest.raises(DataError) as info:
        build_splits(dataset, DataConfig())
    assert str(info.value) == (
        "data set 'ds': questions.jsonl: split: 2 of 4 questions name their split but qid='c' (and 1 more) do not; "
        'fix: give every question "split": "train", "val" or "test", or remove "split" from every row to let the '
        "harness split them"
    )


def test_a_given_split_without_test_questions_is_refused(tmp_path: Path) -> None:
    dataset = load_dataset(_write(tmp_path / "ds", [_q("a", split="train"), _q("b", split="val")]))
    with pytest.raises(DataError, match=r"no question has split=test \(train 1, val 1\).*fix: mark the held-out"):
        build_splits(dataset, DataConfig())


def test_a_given_split_ignores_seed_and_ratios(tmp_path: Path) -> None:
    rows = [_q(f"q{i}", split=("train", "val", "test", "test")[i % 4]) for i in range(8)]
    dataset = load_dataset(_write(tmp_path / "ds", rows))
    a = build_splits(dataset, DataConfig(split_seed=1))
    b = build_splits(dataset, DataConfig(split_seed=2, ratios=(0.5, 0.25, 0.25)))
    assert [q.qid for q in a.test] == [q.qid for q in b.test] == ["q2", "q3", "q6", "q7"]
    assert a.ratios == (0.25, 0.25, 0.5)
    assert not build_splits(load_dataset(_write(tmp_path / "open", [_q("x"), _q("y")])), DataConfig()).given
