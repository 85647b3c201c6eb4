"""The science, as assertions: a candidate must beat its same-size RAG baseline, and quantisation
must not cost factuality beyond a margin. CI fails when a candidate is not better.

Gates read stored per-question results; ``--bench-rescore`` re-evaluates them without generating.
"""

from __future__ import annotations

import pytest

from harness.gates import budget_gate, quantization_gate
from harness.pytest_session import BenchSession


@pytest.mark.bench_gate
@pytest.mark.bench_promotion
def test_promotion_gate(candidate_name: str, bench_session: BenchSession) -> None:
    """Holm-corrected across every candidate whose promotion gate this run selects."""
    outcome = bench_session.promotion_outcome(candidate_name)
    bench_session.record_gate(candidate_name, outcome)
    assert outcome.passed, outcome.message


@pytest.mark.bench_gate
def test_quantization_regression(candidate_name: str, bench_session: BenchSession) -> None:
    cond = bench_session.matrix.condition(candidate_name)
    levels = [q for q in cond.adaptation.export_quantizations if q != "F16"]
    if not cond.gate.quantization_regression:
        pytest.skip(f"{candidate_name}: gate.quantization_regression is off")
    if cond.model.provider != "llama_cpp" or "F16" not in cond.adaptation.export_quantizations:
        pytest.skip(f"{candidate_name}: quantisation levels are compared for llama.cpp exports that include F16")
    reference = bench_session.result_set(candidate_name, quantization="F16")
    reference_speed = bench_session.speed_and_size(candidate_name, "F16")
    failures = []
    for level in levels:
        outcome = quantization_gate(
            reference,
            bench_session.result_set(candidate_name, quantization=level),
            cond.gate,
            cond.scoring,
            extras={"level": bench_session.speed_and_size(candidate_name, level), "reference": reference_speed},
        )
        bench_session.record_gate(f"{candidate_name}@{level}", outcome)
        if not outcome.passed:
            failures.append(outcome.message)
    assert not failures, "\n".join(failures)


@pytest.mark.bench_gate
def test_budgets(condition_name: str, bench_session: BenchSession) -> None:
    cond = bench_session.matrix.condition(condition_name)
    if cond.gate.latency_p95_budget_s is None and cond.gate.memory_budget_mb is None:
        pytest.skip(f"{condition_name}: no latency or memory budget configured")
    result = bench_session.result(condition_name)
    outcome = budget_gate(
        condition_name,
        cond.gate,
        latency_p95_s=result.summary.get("latency_p95_s"),
        peak_rss_mb=result.summary.get("peak_rss_mb"),
    )
    bench_session.record_gate(condition_name, outcome)
    assert outcome.passed, outcome.message
