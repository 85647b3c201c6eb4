"""Latency through pytest-benchmark, so runs compare with ``--benchmark-compare``.

The benchmark replays the condition's own first prompts through the same backend; the run's
per-question percentiles and tokens/s travel with it as ``extra_info``.
"""

from __future__ import annotations

from typing import Any

from harness.pytest_session import BenchSession

ROUNDS = 8


def test_latency(condition_name: str, bench_session: BenchSession, benchmark: Any) -> None:
    result = bench_session.result(condition_name)
    summary = result.summary
    for key in ("latency_p50_s", "latency_p95_s", "latency_p99_s", "tokens_per_s"):
        benchmark.extra_info[key] = summary.get(key)
    benchmark.extra_info["model"] = result.condition.model.identity
    call, close = bench_session.latency_probe(condition_name, n=ROUNDS)
    try:
        benchmark.pedantic(call, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    finally:
        close()
    assert summary["latency_p50_s"] <= summary["latency_p95_s"] <= summary["latency_p99_s"]
