"""The oracle provider: the gold answer citing the passage that holds it. Through the real pipeline and the real
gate on the shipped fixture, it is promoted over rag_baseline_tiny, which checks the data set and the gates."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.backends import GenerationRequest, create_backend
from harness.backends._oracle import passages_in_prompt
from harness.config import GenerationConfig, ModelSpec, load_matrix
from harness.gates import ResultSet, promotion_gate
from harness.prompting import REFUSAL_SENTENCE, build_messages
from harness.retrieval import Chunk, Passage
from harness.run import RunOptions, run_condition

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "squad2_tiny"
MATRIX = load_matrix(ROOT / "configs")


def _passages(*texts: str) -> list[Passage]:
    return [Passage(chunk=Chunk(chunk_id=f"d{i}::0", doc_id=f"d{i}", title=f"T{i}", text=t), rank=i, score=1.0)
            for i, t in enumerate(texts, start=1)]  # fmt: skip


def test_the_prompts_passages_are_read_back_by_rank() -> None:
    messages = build_messages("Who?", _passages("Alpha beta.\nSecond line.", "Gamma [2] delta."))
    assert passages_in_prompt(messages[-1].content) == {1: "T1: Alpha beta.\nSecond line.", 2: "T2: Gamma [2] delta."}
    assert passages_in_prompt(build_messages("Who?", None)[-1].content) == {}


def _ask(qid: str, passages: list[Passage] | None) -> str:
    backend = create_backend(ModelSpec(provider="oracle", name="gold"), GenerationConfig(), model_path=FIXTURE)
    request = GenerationRequest(qid=qid, messages=build_messages("?", passages), max_tokens=8)
    (generation,) = backend.generate([request])
    return generation.error or generation.text


def test_the_oracle_cites_the_passage_holding_the_answer_and_refuses_unanswerable() -> None:
    from harness.data import load_dataset

    questions = load_dataset(FIXTURE).questions
    answerable = next(q for q in questions if q.answerable)
    unanswerable = next(q for q in questions if not q.answerable)
    gold = answerable.answers[0]
    assert _ask(answerable.qid, _passages("Nothing here.", f"It was {gold}, they say.")) == f"{gold} [2]"
    assert _ask(answerable.qid, _passages("Nothing here.")) == gold  # held by no passage shown: uncited
    assert _ask(unanswerable.qid, _passages("Nothing here.")) == REFUSAL_SENTENCE
    assert "no question 'nope'" in _ask("nope", None)


@pytest.mark.slow
def test_the_oracle_is_promoted_over_the_rag_baseline_by_the_real_gate(tmp_path: Path) -> None:
    options = RunOptions(cache_dir=tmp_path / "cache", reports_dir=tmp_path / "reports", run_id="oracle",
                         max_questions=40)  # fmt: skip
    arms = {}
    for name in ("oracle_tiny", "rag_baseline_tiny"):
        cond = MATRIX.condition(name)
        result = run_condition(cond, options)
        arms[name] = ResultSet(condition=name, size_group=cond.size_group, quantization=cond.model.quantization,
                               records=tuple(result.records))  # fmt: skip
    oracle = MATRIX.condition("oracle_tiny")
    outcome = promotion_gate(arms["oracle_tiny"], arms["rag_baseline_tiny"], oracle.gate, oracle.scoring)
    print(f"\n{outcome.message}")
    assert outcome.passed, outcome.message
    assert arms["oracle_tiny"].mean("f1") == pytest.approx(1.0)


def test_re_scoring_takes_no_journal_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-scoring writes nothing to the answer journal, so it must not need the journal's lock file: a warm cache on a
    read-only mount is re-scored (a lock there would be a StorageError)."""
    import dataclasses

    from harness.errors import StorageError

    cond = MATRIX.condition("oracle_tiny")
    cond = dataclasses.replace(cond, retrieval=dataclasses.replace(cond.retrieval, mode="gold_context"))
    first = RunOptions(cache_dir=tmp_path / "cache", reports_dir=tmp_path / "reports", run_id="a", max_questions=5)
    answered = run_condition(cond, first)

    def unwritable(path: Path) -> None:
        raise StorageError(path, OSError(30, "Read-only file system"), "test")

    monkeypatch.setattr("harness.run._pipeline.file_lock", unwritable)
    rescored = run_condition(cond, dataclasses.replace(first, run_id="b", rescore=True))
    assert rescored.records == answered.records and len(rescored.records) == 5
