"""Latency through pytest-benchmark, so runs compare with ``--benchmark-compare``.

The benchmark replays the condition's own first prompts through the same backend; the run's
per-question percentiles and tokens/s travel with it as ``extra_info``. When every answer of the run came
from the cache (a warm re-run, ``--bench-rescore``), nothing changed since latency was last measured, so the
replay is skipped: a warm run generates nothing. ``--bench-latency-always`` replays anyway.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.pytest_session import BenchSession

ROUNDS = 8


def test_latency(
    condition_name: str, bench_session: BenchSession, benchmark: Any, request: pytest.FixtureRequest
) -> None:
    result = bench_session.result(condition_name)
    summary = result.summary
    if not result.context.get("generations", {}).get("generated") and not request.config.getoption(
        "bench_latency_always"
    ):
        pytest.skip(
            f"{condition_name}: every answer came from the cache, so latency is not re-measured (p50 "
            f"{summary.get('latency_p50_s')} s when they were generated); --bench-latency-always replays prompts"
        )
    for key in ("latency_p50_s", "latency_p95_s", "latency_p99_s", "tokens_per_s"):
        benchmark.extra_info[key] = summary.get(key)
    benchmark.extra_info["model"] = result.condition.model.identity
    call, close = bench_session.latency_probe(condition_name, n=ROUNDS)
    try:
        benchmark.pedantic(call, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    finally:
        close()
    assert summary["latency_p50_s"] <= summary["latency_p95_s"] <= summary["latency_p99_s"]
