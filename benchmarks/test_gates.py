"""The science, as assertions: a candidate must beat its same-size RAG baseline, and quantisation
must not cost factuality beyond a margin. CI fails when a candidate is not better.

Gates read stored per-question results; ``--bench-rescore`` re-evaluates them without generating. The gates
themselves are library code (``harness.run.BenchRun``), which ``harness run`` drives without pytest.
"""

from __future__ import annotations

import pytest

from harness.pytest_session import BenchSession


@pytest.mark.bench_gate
@pytest.mark.bench_promotion
def test_promotion_gate(candidate_name: str, bench_session: BenchSession) -> None:
    """Holm-corrected across every candidate whose promotion gate this run selects."""
    outcome = bench_session.promotion_outcome(candidate_name)
    assert outcome.passed, outcome.message


@pytest.mark.bench_gate
def test_quantization_regression(candidate_name: str, bench_session: BenchSession) -> None:
    failures = [o.message for o in bench_session.quantization_outcomes(candidate_name) if not o.passed]
    assert not failures, "\n".join(failures)


@pytest.mark.bench_gate
def test_budgets(condition_name: str, bench_session: BenchSession) -> None:
    outcome = bench_session.budget_outcome(condition_name)
    assert outcome.passed, outcome.message
