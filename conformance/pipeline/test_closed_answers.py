"""A closed-answer data set end to end (fixtures/yesno_tiny through the oracle and the real scoring and writer), and
``generation.max_tokens: auto``. Expected values come from the fixture's rows and hand arithmetic."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from harness.config import GenerationConfig, load_matrix
from harness.data import Question, load_dataset
from harness.errors import ConfigError
from harness.run import RunOptions, run_condition
from harness.run._max_tokens import auto_max_tokens, resolve_max_tokens

ROOT = Path(__file__).resolve().parents[2]
YESNO = ROOT / "fixtures" / "yesno_tiny"
MATRIX = load_matrix(ROOT / "configs")


def _oracle_on_yesno() -> object:
    cond = MATRIX.condition("oracle_tiny")
    return dataclasses.replace(
        cond,
        retrieval=dataclasses.replace(cond.retrieval, mode="gold_context"),  # no embedding model needed
        data=dataclasses.replace(cond.data, dataset=str(YESNO), tag="yesno_tiny"),
        generation=dataclasses.replace(cond.generation, max_tokens="auto"),
    )


def test_the_oracle_scores_label_accuracy_1_per_label_on_the_yesno_fixture(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (YESNO / "questions.jsonl").read_text().splitlines()]
    test_rows = [r for r in rows if r["split"] == "test"]
    options = RunOptions(cache_dir=tmp_path / "cache", reports_dir=tmp_path / "reports", run_id="closed")
    result = run_condition(_oracle_on_yesno(), options)  # type: ignore[arg-type]

    assert [r["qid"] for r in result.records] == [r["qid"] for r in test_rows]  # the fixture's own test split
    assert all(r["label_accuracy"] == 1.0 and r["gold_label"] == r["predicted_label"] for r in result.records)
    counts = {label: sum(r["answers"] == [label] for r in test_rows) for label in ("yes", "no", "maybe")}
    first_seen = list(dict.fromkeys(r["answers"][0] for r in test_rows))
    assert result.summary["labels"] == [
        {
            "label": label,
            "n": counts[label],
            "correct": counts[label],
            "accuracy": 1.0,
            "predicted": {label: counts[label]},
        }
        for label in first_seen
    ]
    assert result.summary["label_accuracy"] == 1.0
    stored = json.loads((result.out_dir / "result.json").read_text())
    assert stored["summary"]["labels"] == result.summary["labels"]
    assert stored["splits"]["given"] is True
    assert stored["max_tokens"]["source"] == "auto" and stored["max_tokens"]["max_tokens"] == 64
    assert stored["max_tokens"]["truncated"] == 0
    markdown = (result.out_dir / "summary.md").read_text()
    assert "## Per label" in markdown
    assert f"| yes | {counts['yes']} | 1.000 |" in markdown
    assert "the data set's own split" in markdown and "generation.max_tokens: 64 (auto" in markdown


def _questions(answers: list[str]) -> list[Question]:
    return [Question(qid=f"q{i}", question="?", answers=(a,), answerable=True, gold_doc_ids=("d",),
                     task_type="synthesis") for i, a in enumerate(answers)]  # fmt: skip


def test_auto_max_tokens_for_long_form_answers_by_hand() -> None:
    # 20 answers of 10, 20, ..., 200 words and no punctuation: estimated ceil(1.3 n) = 13, 26, ..., 260 tokens.
    # The 95th percentile ("higher") of 20 values is the 20th (0.95 * 19 = 18.05 rounds up): 260.
    # ceil(260 * 1.5) + 16 = 406, inside [64, 2048 // 2].
    answers = [" ".join(["word"] * n) for n in range(10, 201, 10)]
    auto = auto_max_tokens(_questions(answers), context_length=2048)
    assert (auto.max_tokens, auto.percentile_tokens, auto.answers, auto.ceiling) == (406, 260, 20, 1024)
    assert auto_max_tokens(_questions(answers), context_length=512).max_tokens == 256  # half the context
    assert math.ceil(13 * 1.5) + 16 < 64  # short spans: the floor
    assert auto_max_tokens(_questions(["Paris"] * 10 + ["ten words " * 5]), 2048).max_tokens == 64


def test_squad2_tiny_keeps_64_tokens_under_auto() -> None:
    auto = auto_max_tokens(load_dataset(ROOT / "fixtures" / "squad2_tiny").questions, context_length=2048)
    assert auto.max_tokens == 64


def test_a_number_is_kept_and_auto_must_be_resolved_before_use() -> None:
    cond = MATRIX.condition("rag_baseline_tiny")
    assert resolve_max_tokens(cond, []) == (cond, {"source": "config", "max_tokens": 64})
    with pytest.raises(ConfigError, match=r"generation\.max_tokens=auto was not resolved"):
        _ = GenerationConfig(max_tokens="auto").token_limit
