"""Each condition of the experiment matrix answers its whole test split for real.

Select conditions the pytest way: ``pytest benchmarks -k rag_baseline_tiny`` or ``-k hybrid_3b``.
A condition whose model is absent here skips with the reason (``--bench-strict`` makes it fail).
"""

from __future__ import annotations

from harness.pytest_session import BenchSession


def test_answers_every_test_question(condition_name: str, bench_session: BenchSession) -> None:
    """Every test question answered once, within the condition's error budget (gate.max_error_rate)."""
    problems = bench_session.answer_problems(condition_name)
    assert not problems, "\n".join(problems)


def test_report_files_written(condition_name: str, bench_session: BenchSession) -> None:
    result = bench_session.result(condition_name)
    for name in ("results.jsonl", "result.json", "summary.md"):
        assert (result.out_dir / name).stat().st_size > 0, f"{result.out_dir / name} is missing or empty"
