"""Fixtures of the performance benchmarks: a private cache with the embedded series' stages already built."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.perf._perf import skip_under_xdist
from benchmarks.perf._prompts import tiny_rag_condition
from harness.config import Condition
from harness.run import ConditionResult, RunOptions, run_condition


@pytest.fixture(autouse=True)
def _alone() -> None:
    skip_under_xdist()


@pytest.fixture(scope="session")
def perf_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("perf")


@pytest.fixture(scope="session")
def baseline() -> Condition:
    """rag_baseline_tiny as shipped (SmolLM2-135M Q4_1 + MiniLM + FAISS over the SQuAD 2.0 fixture)."""
    return tiny_rag_condition()


@pytest.fixture(scope="session")
def prepared(perf_root: Path, baseline: Condition) -> Iterator[tuple[RunOptions, ConditionResult]]:
    """One real run of the first question, so splits, index and embedding model are in place for every benchmark."""
    opts = RunOptions(
        cache_dir=perf_root / "cache", reports_dir=perf_root / "reports", run_id="prepare", max_questions=1
    )
    yield opts, run_condition(baseline, opts)


def one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both arms of a comparison on one llama.cpp thread per model: on a small shared machine a model on two threads
    stalls whenever the other thread is descheduled, which would swamp the small differences measured."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
