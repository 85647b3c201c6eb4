"""A warm run generates nothing, and changing only a gate threshold re-scores without generating."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conformance.scale._small_data import ROOT, small_dataset
from harness.config import load_matrix
from harness.run import RunOptions, run_condition

pytestmark = pytest.mark.slow

NOTHING = {"submitted": 0, "evaluated": 0}


def test_warm_and_gate_only_reruns_generate_nothing(tmp_path: Path) -> None:
    cond = load_matrix(ROOT / "configs").condition("rag_baseline_tiny")
    opts = RunOptions(dataset=small_dataset(tmp_path / "data"), cache_dir=tmp_path / "cache",
                      reports_dir=tmp_path / "reports", run_id="cold", max_questions=3)  # fmt: skip
    cold = run_condition(cond, opts)
    tokens = cold.context["generations"]["prompt_tokens"]
    # In-process llama.cpp: no requests in flight to record (its parallel instances never change an answer).
    assert cold.context["generations"] == {"generated": 3, "reused": 0, "prompt_tokens": tokens, "concurrency": None}
    assert 0 < tokens["evaluated"] <= tokens["submitted"]  # less when an instance answered two (one per core here)
    warm = run_condition(cond, dataclasses.replace(opts, run_id="warm"))
    stricter = dataclasses.replace(cond, gate=dataclasses.replace(cond.gate, min_factuality_delta_pp=9.0))
    gate = run_condition(stricter, dataclasses.replace(opts, run_id="gate"))
    for run in (warm, gate):
        assert run.context["generations"] == {"generated": 0, "reused": 3, "prompt_tokens": NOTHING,
                                              "concurrency": None}  # fmt: skip
        assert run.records == cold.records
    searches = list((tmp_path / "cache" / "retrieval_results").glob("*/hits.json"))
    assert len(searches) == 1  # the questions were embedded and searched once
