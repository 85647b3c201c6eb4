"""The budget gate's every branch."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.config import load_matrix
from harness.gates import budget_gate

GATE = load_matrix(Path(__file__).resolve().parents[2] / "configs").condition("hybrid_tiny").gate


@pytest.mark.parametrize(
    ("latency", "rss", "passed", "message"),
    [
        (1.0, 900.0, True, "c: latency p95 1.00 s (budget 1 s); peak RSS 900.00 MB (budget 1024 MB)"),  # at the budget
        (1.01, 900.0, False, "c: latency p95 1.01 s (budget 1 s); peak RSS 900.00 MB (budget 1024 MB)"),
        (0.5, 1024.5, False, "c: peak RSS 1024.50 MB (budget 1024 MB); latency p95 0.50 s (budget 1 s)"),
        (None, 100.0, False, "c: latency p95 nan s (budget 1 s); peak RSS 100.00 MB (budget 1024 MB)"),  # unmeasured
    ],
)
def test_each_budget_alone_decides(latency: float | None, rss: float, passed: bool, message: str) -> None:
    gate = dataclasses.replace(GATE, latency_p95_budget_s=1.0, memory_budget_mb=1024)
    outcome = budget_gate("c", gate, latency_p95_s=latency, peak_rss_mb=rss)
    assert (outcome.passed, outcome.message) == (passed, message)
    assert outcome.gate == "budget" and outcome.numbers == {"latency_p95_s": latency, "peak_rss_mb": rss}


def test_no_budget_configured_passes_and_says_so() -> None:
    gate = dataclasses.replace(GATE, latency_p95_budget_s=None, memory_budget_mb=None)
    outcome = budget_gate("c", gate, latency_p95_s=99.0, peak_rss_mb=1e6)
    assert outcome.passed and outcome.message == "c: no budgets configured"
