"""The LLM-as-judge stage in a real run: the embedded model grades each answer ``repeats`` times through
llama.cpp; verdicts are journaled and reused; re-scoring never asks the judge; numbers reach the summary."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from harness.config import JudgeConfig, load_matrix
from harness.data import load_dataset, write_dataset
from harness.judge import Verdict
from harness.run import RunOptions, run_condition
from harness.run._judging import _fields, judge_summary

ROOT = Path(__file__).resolve().parents[2]
BASE = load_matrix(ROOT / "configs").condition("rag_baseline_tiny")
COND = dataclasses.replace(BASE, judge=JudgeConfig(enabled=True, repeats=2, max_attempts=1))
PARTS = {"factuality": 1.0, "grounding": 0.5, "completeness": 1.0, "communication": 1.0}


def _verdict(score: float | None, passed: bool | None = None) -> Verdict:
    if score is None:
        return Verdict(qid="q", parts=None, score=None, passed=None, error="invalid judge output")
    return Verdict(qid="q", parts=PARTS, score=score, passed=score >= 0.65 if passed is None else passed)


def test_fields_average_the_valid_repeats_and_count_the_invalid() -> None:
    fields = _fields([_verdict(0.9), _verdict(0.5), _verdict(None)])
    assert fields["judge_scores"] == [0.9, 0.5] and fields["judge_passes"] == [1.0, 0.0]
    assert fields["judge_score"] == pytest.approx(0.7) and fields["judge_pass"] == 0.5
    assert fields["judge_sd"] == pytest.approx(0.2) and fields["judge_errors"] == 1
    assert fields["judge_error_causes"] == ["invalid judge output"]
    assert _fields(None)["judge_score"] is None  # an errored generation is not judged


def test_summary_reports_disagreement_and_intervals() -> None:
    records = [
        {"qid": "a", **_fields([_verdict(0.9), _verdict(0.9)])},
        {"qid": "b", **_fields([_verdict(0.9), _verdict(0.3)])},
        {"qid": "c", **_fields([_verdict(None), _verdict(0.2)])},
        {"qid": "d", "error": "backend failed", **_fields(None)},
    ]
    summary = judge_summary(records, COND)
    assert summary["judge_repeats"] == 2 and summary["judge_judged"] == 3
    assert summary["judge_error_rate"] == pytest.approx(1 / 6)
    assert summary["judge_score"] == pytest.approx((0.9 + 0.6 + 0.2) / 3)
    assert summary["judge_score_ci_low"] <= summary["judge_score"] <= summary["judge_score_ci_high"]
    assert summary["judge_disagreement_sd"] == pytest.approx((0 + 0.3) / 2)  # over questions with 2 valid repeats
    assert summary["judge_pass_agreement"] == 0.5


@pytest.fixture(scope="module")
def options(tmp_path_factory: pytest.TempPathFactory) -> RunOptions:
    full = load_dataset(ROOT / "fixtures" / "squad2_tiny")
    keep = {d.doc_id for d in full.corpus[:4]}
    small = dataclasses.replace(
        full,
        corpus=tuple(d for d in full.corpus if d.doc_id in keep),
        questions=tuple(q for q in full.questions if set(q.gold_doc_ids) <= keep),
    )
    base = tmp_path_factory.mktemp("judge")
    write_dataset(small, base / "data")
    return RunOptions(
        dataset=base / "data", cache_dir=base / "cache", reports_dir=base / "reports", run_id="j1", max_questions=2
    )


def _journal_lines(opts: RunOptions) -> int:
    assert opts.cache_dir is not None
    return sum(len(p.read_text().splitlines()) for p in (opts.cache_dir / "judgements").glob("*.jsonl"))


@pytest.mark.slow
def test_the_embedded_judge_grades_every_answer_twice_and_reuses_its_verdicts(options: RunOptions) -> None:
    said: list[str] = []
    first = run_condition(COND, options, said.append)
    for r in first.records:
        assert r["judge_errors"] is not None and len(r["judge_scores"]) + r["judge_errors"] == 2
        assert all(0 <= s <= 1 for s in r["judge_scores"])
    assert any("judge: repeat 2/2" in m for m in said), said
    summary = json.loads((first.out_dir / "result.json").read_text())["summary"]
    assert summary["judge_repeats"] == 2 and summary["judge_model"] == "llama_cpp:embedded@Q4_1"
    assert 0 <= summary["judge_error_rate"] <= 1
    if summary["judge_judged"]:
        assert summary["judge_score_ci_low"] <= summary["judge_score"] <= summary["judge_score_ci_high"]
    assert "Judge replies without a valid verdict" in (first.out_dir / "summary.md").read_text()
    stored = _journal_lines(options)
    assert stored == sum(len(r["judge_scores"]) for r in first.records)

    again = run_condition(COND, dataclasses.replace(options, run_id="j2"))
    assert _journal_lines(options) == stored  # valid verdicts are never asked for twice
    assert [r["judge_scores"] for r in again.records] == [r["judge_scores"] for r in first.records]

    # Re-scoring with a third repeat: the stored verdicts are read, the missing repeat is not judged.
    three = dataclasses.replace(COND, judge=dataclasses.replace(COND.judge, repeats=3))
    rescored = run_condition(three, dataclasses.replace(options, run_id="j3", rescore=True))
    assert _journal_lines(options) == stored
    for before, after in zip(again.records, rescored.records, strict=True):
        assert after["judge_scores"] == before["judge_scores"]
        assert after["judge_errors"] == before["judge_errors"] + 1
