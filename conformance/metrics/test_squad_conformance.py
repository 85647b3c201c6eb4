"""Our SQuAD 2.0 EM/F1 and ``harness score --format squad2`` against the official script's logic."""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import conformance.metrics.reference_squad2_eval as ref
from conformance.metrics.metrics_builders import ctx, question
from harness.cli import _score
from harness.config import ScoringConfig
from harness.errors import DataError, HarnessError
from harness.metrics import METRICS, answer_text, compute_exact, compute_f1, detector_for, normalize_answer

REAL_SQUAD = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "squad2-dev" / "dev-v2.0.json"
CFG = ScoringConfig()

# Articles with the cases the script treats specially: several golds, golds that normalise to nothing,
# unanswerable questions (with plausible answers), a repeated id, punctuation, articles, unicode.
SYNTHETIC = {
    "version": "v2.0",
    "data": [
        {"title": "Paris", "paragraphs": [{"context": "Paris is the capital of France.", "qas": [
            {"id": "p1", "question": "Capital?", "is_impossible": False,
             "answers": [{"text": "Paris", "answer_start": 0}, {"text": "the city of Paris", "answer_start": 0}]},
            {"id": "p2", "question": "Empty golds?", "is_impossible": False,
             "answers": [{"text": "The", "answer_start": 0}, {"text": "...", "answer_start": 0}]},
            {"id": "p3", "question": "King?", "is_impossible": True, "answers": [],
             "plausible_answers": [{"text": "Louis", "answer_start": 0}]},
            {"id": "p4", "question": "Numbers?", "is_impossible": False,
             "answers": [{"text": "1,000 people", "answer_start": 0},
                         {"text": "a thousand people", "answer_start": 0}]},
        ]}]},
        {"title": "Zürich", "paragraphs": [{"context": "Zürich liegt am See.", "qas": [
            {"id": "z1", "question": "Wo?", "is_impossible": False,
             "answers": [{"text": "am Zürichsee", "answer_start": 0}, {"text": "am Zürichsee", "answer_start": 0}]},
            {"id": "z2", "question": "Warum?", "is_impossible": True, "answers": []},
            {"id": "p1", "question": "A repeated id", "is_impossible": False,
             "answers": [{"text": "Lyon", "answer_start": 0}]},
        ]}]},
    ],
}  # fmt: skip
SYNTHETIC_PREDICTIONS = {
    "p1": "The  PARIS!",
    "p2": "",
    "p3": "Louis",
    "p4": "1000 people",
    "z1": "Zürichsee",
    "z2": "",
    "extra": "a prediction for a question the data file does not have",
}


def _squad_questions(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                yield {**qa, "context": paragraph["context"]}


def _variant(qa: Mapping[str, Any], rng: random.Random) -> str:
    """A prediction that exercises one scoring path: exact, reformatted, partial, padded, wrong, empty, refusal."""
    golds = [a["text"] for a in qa["answers"]] or [a["text"] for a in qa.get("plausible_answers", [])] or ["x"]
    gold = rng.choice(golds)
    words = qa["context"].split()
    start = rng.randrange(len(words))
    choices = [
        gold,
        f"The {gold.upper()}.",
        " ".join(gold.split()[: max(1, len(gold.split()) // 2)]),
        f"{gold}, {' '.join(words[start : start + 4])}",
        " ".join(words[start : start + rng.randint(1, 6)]),
        "",
        "I cannot answer that from the passages.",
    ]
    return rng.choice(choices)


def _predictions(data: Mapping[str, Any], seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    return {qa["id"]: _variant(qa, rng) for qa in _squad_questions(data)}


def _score_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="harness")
    _score.add_parser(parser.add_subparsers(dest="command", required=True), "score")
    args = parser.parse_args(["score", *argv])
    code: int = args.func(args)
    return code


@pytest.fixture(params=["synthetic", "real"])
def squad_case(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    """(data file, predictions file): the synthetic file always, the shared real one when present."""
    if request.param == "synthetic":
        data, preds = SYNTHETIC, SYNTHETIC_PREDICTIONS
        data_path = tmp_path / "data.json"
        data_path.write_text(json.dumps(data), encoding="utf-8")
    else:
        if not REAL_SQUAD.is_file():
            pytest.skip(f"the real SQuAD 2.0 dev subset is absent ({REAL_SQUAD})")
        data_path = REAL_SQUAD
        preds = _predictions(json.loads(REAL_SQUAD.read_text(encoding="utf-8")), seed=7)
    pred_path = tmp_path / "predictions.json"
    pred_path.write_text(json.dumps(preds), encoding="utf-8")
    return data_path, pred_path


def test_score_cli_prints_exactly_the_official_output(
    squad_case: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data_path, pred_path = squad_case
    ref.main([str(data_path), str(pred_path)])
    expected = capsys.readouterr().out
    assert _score_cli([str(data_path), str(pred_path)]) == 0
    assert capsys.readouterr().out == expected
    assert list(json.loads(expected)) == [
        "exact", "f1", "total", "HasAns_exact", "HasAns_f1", "HasAns_total", "NoAns_exact", "NoAns_f1", "NoAns_total",
    ]  # fmt: skip


def test_score_cli_omits_a_subset_the_data_lacks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {"data": [{"paragraphs": [{"qas": [{"id": "a", "answers": [{"text": "yes"}]}]}]}]}
    (tmp_path / "d.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps({"a": "yes"}), encoding="utf-8")
    argv = [str(tmp_path / "d.json"), str(tmp_path / "p.json")]
    ref.main(argv)
    expected = capsys.readouterr().out
    _score_cli(argv)
    assert capsys.readouterr().out == expected
    assert "NoAns_total" not in expected


def test_per_question_scores_equal_the_reference(squad_case: tuple[Path, Path]) -> None:
    data_path, pred_path = squad_case
    data = json.loads(data_path.read_text(encoding="utf-8"))
    preds = json.loads(pred_path.read_text(encoding="utf-8"))
    exact, f1 = ref.get_raw_scores(data["data"], preds)
    for qa in _squad_questions(data):
        if qa["id"] in ("p1",):  # repeated id: the script keeps the last; checked through the CLI test
            continue
        golds = [a["text"] for a in qa["answers"] if ref.normalize_answer(a["text"])] or [""]
        assert max(compute_exact(g, preds[qa["id"]]) for g in golds) == exact[qa["id"]]
        assert max(compute_f1(g, preds[qa["id"]]) for g in golds) == f1[qa["id"]]


def test_metrics_equal_the_reference_after_the_refusal_mapping(squad_case: tuple[Path, Path]) -> None:
    """exact_match / f1 metrics = the script on the visible answer, with a detected refusal scored as ''."""
    data_path, pred_path = squad_case
    data = json.loads(data_path.read_text(encoding="utf-8"))
    preds = json.loads(pred_path.read_text(encoding="utf-8"))
    em, f1 = METRICS.get("exact_match"), METRICS.get("f1")
    for qa in list(_squad_questions(data))[:1500]:
        answers = [a["text"] for a in qa["answers"]]
        item = ctx(preds[qa["id"]], q=question(answers, answerable=bool(answers), qid=qa["id"]))
        mapped = "" if detector_for(CFG)(answer_text(preds[qa["id"]])) else answer_text(preds[qa["id"]])
        golds = [a for a in answers if ref.normalize_answer(a)] or [""]
        assert em(item, CFG)["exact_match"] == max(ref.compute_exact(g, mapped) for g in golds)
        assert f1(item, CFG)["f1"] == max(ref.compute_f1(g, mapped) for g in golds)


def test_refusal_in_words_is_right_on_unanswerable_only() -> None:
    refusal = "The passages do not contain the answer."
    unanswerable = ctx(refusal, q=question((), answerable=False))
    answerable = ctx(refusal, q=question(("Paris",)))
    assert METRICS.get("exact_match")(unanswerable, CFG) == {"exact_match": 1.0}
    assert METRICS.get("f1")(answerable, CFG) == {"f1": 0.0}
    # The official script, by contrast, scores the words themselves.
    assert ref.compute_exact("", refusal) == 0


@pytest.mark.parametrize(
    ("gold", "pred"),
    [("Paris", "paris"), ("the Eiffel Tower", "Eiffel tower!"), ("", ""), ("", "x"), ("a b c", "c b a d"),
     ("1,000", "1000"), ("An apple", "apple an"), ("Zürich", "ZÜRICH"), ("   ", "")],
)  # fmt: skip
def test_compute_functions_equal_the_reference(gold: str, pred: str) -> None:
    assert normalize_answer(pred) == ref.normalize_answer(pred)
    assert compute_exact(gold, pred) == ref.compute_exact(gold, pred)
    assert compute_f1(gold, pred) == ref.compute_f1(gold, pred)


def test_missing_predictions_are_a_data_error_naming_them(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(json.dumps(SYNTHETIC), encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps({"p1": "Paris"}), encoding="utf-8")
    with pytest.raises(DataError, match=r"5 question\(s\) have no prediction \(e\.g\. 'p2', 'p3'"):
        _score_cli([str(tmp_path / "d.json"), str(tmp_path / "p.json")])


@pytest.mark.parametrize(
    ("data", "preds", "message"),
    [
        ({"data": {}}, {}, r"d\.json: data must be a JSON array"),
        ({"data": [{"paragraphs": [{"qas": [{"id": 3, "answers": []}]}]}]}, {}, r"qas\[0\]\.id must be a JSON string"),
        ({"data": [{"paragraphs": [{"qas": [{"id": "a", "answers": [{"t": 1}]}]}]}]}, {},
         r"answers\[0\]\.text must be a JSON string"),
        (SYNTHETIC, {"p1": 3}, r"p\.json: prediction for 'p1' must be a JSON string"),
        (SYNTHETIC, [], r"p\.json: the top level must be a JSON object"),
    ],
)  # fmt: skip
def test_malformed_files_say_where(tmp_path: Path, data: object, preds: object, message: str) -> None:
    (tmp_path / "d.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "p.json").write_text(json.dumps(preds), encoding="utf-8")
    with pytest.raises(HarnessError, match=message):
        _score_cli([str(tmp_path / "d.json"), str(tmp_path / "p.json")])


def test_unreadable_json_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text('{"data": [\n  oops\n]}', encoding="utf-8")
    (tmp_path / "p.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match=r"d\.json:2: not valid JSON"):
        _score_cli([str(tmp_path / "d.json"), str(tmp_path / "p.json")])
    with pytest.raises(DataError, match="file not found"):
        _score_cli([str(tmp_path / "nope.json"), str(tmp_path / "p.json")])
