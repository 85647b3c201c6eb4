"""A whole condition, end to end, with the embedded llama.cpp model on a small real data set."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from harness.config import load_matrix
from harness.data import load_dataset, write_dataset
from harness.errors import DataError, HarnessError, ModelUnavailable
from harness.run import RunOptions, run_condition

ROOT = Path(__file__).resolve().parents[2]
COND = load_matrix(ROOT / "configs").condition("rag_baseline_tiny")


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 6 documents of the shipped fixture and all their questions."""
    full = load_dataset(ROOT / "fixtures" / "squad2_tiny")
    keep = {d.doc_id for d in full.corpus[:6]}
    docs = tuple(d for d in full.corpus if d.doc_id in keep)
    questions = tuple(q for q in full.questions if set(q.gold_doc_ids) <= keep)
    out = tmp_path_factory.mktemp("data") / "small"
    write_dataset(dataclasses.replace(full, corpus=docs, questions=questions), out)
    return out


@pytest.fixture(scope="module")
def options(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> RunOptions:
    base = tmp_path_factory.mktemp("run")
    return RunOptions(
        dataset=small_data, cache_dir=base / "cache", reports_dir=base / "reports", run_id="first", max_questions=6
    )


@pytest.mark.slow
def test_condition_runs_and_writes_self_describing_results(options: RunOptions) -> None:
    messages: list[str] = []
    result = run_condition(COND, options, messages.append)
    assert len(result.records) == 6
    assert all(r["answer"] or r["error"] for r in result.records)
    assert all(len(r["passages"]) == COND.retrieval.top_k for r in result.records)
    meta = json.loads((result.out_dir / "result.json").read_text())
    assert meta["schema_version"] == 1
    assert meta["model"]["sha256"] and meta["dataset"]["content_hash"]
    assert {"commit", "dirty"} <= set(meta["provenance"]["git"])
    assert meta["provenance"]["packages"]["llama-cpp-python"] == "0.3.36"
    assert meta["splits"]["seed"] == 20251101
    lines = (result.out_dir / "results.jsonl").read_text().splitlines()
    assert [json.loads(x)["qid"] for x in lines] == [r["qid"] for r in result.records]
    assert any("generated 6/6" in m for m in messages), messages


@pytest.mark.slow
def test_second_run_reuses_every_answer_and_scores_identically(options: RunOptions) -> None:
    first = run_condition(COND, options)
    messages: list[str] = []
    second = run_condition(COND, dataclasses.replace(options, run_id="second"), messages.append)
    assert any("6 of 6 answers reused from the journal" in m for m in messages), messages
    assert not any("generated" in m for m in messages)
    assert second.records == first.records


@pytest.mark.slow
def test_rescore_never_generates(options: RunOptions) -> None:
    run_condition(COND, options)
    rescored = run_condition(COND, dataclasses.replace(options, run_id="rescore", rescore=True))
    assert len(rescored.records) == 6
    assert [r["answer"] for r in rescored.records] == [r["answer"] for r in run_condition(COND, options).records]
    empty_cache = dataclasses.replace(options, run_id="rescore2", rescore=True, cache_dir=options.reports_dir / "c2")
    with pytest.raises(HarnessError, match="--bench-rescore: 6 of 6 questions have no stored answer"):
        run_condition(COND, empty_cache)


def test_bad_data_row_is_one_clear_error(tmp_path: Path, small_data: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "corpus.jsonl").write_text((small_data / "corpus.jsonl").read_text())
    rows = (small_data / "questions.jsonl").read_text().splitlines()
    rows[2] = rows[2].replace('"question":', '"questoin":')
    (bad / "questions.jsonl").write_text("\n".join(rows) + "\n")
    opts = RunOptions(dataset=bad, cache_dir=tmp_path / "c", reports_dir=tmp_path / "r", run_id="x")
    with pytest.raises(DataError, match=r"questions\.jsonl:3: .*question"):
        run_condition(COND, opts)


def test_empty_corpus_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_text("")
    (tmp_path / "questions.jsonl").write_text("")
    opts = RunOptions(dataset=tmp_path, cache_dir=tmp_path / "c", reports_dir=tmp_path / "r", run_id="x")
    with pytest.raises(DataError, match="empty"):
        run_condition(COND, opts)


def test_missing_model_file_is_unavailable_not_a_traceback(tmp_path: Path, small_data: Path) -> None:
    cond = dataclasses.replace(COND, model=dataclasses.replace(COND.model, name=str(tmp_path / "nope.gguf")))
    opts = RunOptions(dataset=small_data, cache_dir=tmp_path / "c", reports_dir=tmp_path / "r", run_id="x")
    with pytest.raises(ModelUnavailable, match=r"nope\.gguf"):
        run_condition(cond, opts)
