"""The science, as assertions: a candidate must beat its same-size RAG baseline, and quantisation
must not cost factuality beyond a margin. CI fails when a candidate is not better.

Gates read stored per-question results; ``--bench-rescore`` re-evaluates them without generating. The gates
themselves are library code (``harness.run.BenchRun``), which ``harness run`` drives without pytest. Each decided
gate is also a JUnit XML property (``--junitxml``): ``bench.<condition>.<gate>`` = PASS / FAIL, with its numbers.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.pytest_session import BenchSession


@pytest.mark.bench_gate
@pytest.mark.bench_promotion
def test_promotion_gate(
    candidate_name: str, bench_session: BenchSession, record_testsuite_property: Callable[[str, object], None]
) -> None:
    """Holm-corrected across every candidate whose promotion gate this run selects."""
    outcome = bench_session.promotion_outcome(candidate_name)
    bench_session.record_gates(record_testsuite_property, candidate_name, "promotion")
    assert outcome.passed, outcome.message


@pytest.mark.bench_gate
def test_quantization_regression(
    candidate_name: str, bench_session: BenchSession, record_testsuite_property: Callable[[str, object], None]
) -> None:
    outcomes = bench_session.quantization_outcomes(candidate_name)
    bench_session.record_gates(record_testsuite_property, candidate_name, "quantization")
    failures = [o.message for o in outcomes if not o.passed]
    assert not failures, "\n".join(failures)


@pytest.mark.bench_gate
def test_budgets(
    condition_name: str, bench_session: BenchSession, record_testsuite_property: Callable[[str, object], None]
) -> None:
    outcome = bench_session.budget_outcome(condition_name)
    bench_session.record_gates(record_testsuite_property, condition_name, "budget")
    assert outcome.passed, outcome.message
