"""Memory: resident memory of one process running the same condition again and again (each run loading the model,
generating, scoring and writing reports) must not grow. Peak RSS of a cold run is stated by test_perf_warm."""

from __future__ import annotations

import dataclasses
import gc
import os
import shutil
from pathlib import Path
from typing import Any

from benchmarks.perf._perf import record, size
from harness.config import Condition
from harness.run import ConditionResult, RunOptions, run_condition
from harness.run._pipeline import peak_rss_mb

LIMIT_MB = 25.0
WARM_UP = 3


def _rss_mb() -> float:
    """Resident memory now (Linux: /proc/self/statm, in pages)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_no_memory_growth_across_repeated_runs_in_one_process(
    benchmark: Any, baseline: Condition, prepared: tuple[RunOptions, ConditionResult]
) -> None:
    opts = dataclasses.replace(prepared[0], max_questions=2, run_id="memory")
    assert opts.cache_dir is not None
    cache_dir = opts.cache_dir
    rss: list[float] = []

    def run_once() -> None:
        shutil.rmtree(cache_dir / "generations", ignore_errors=True)  # each run generates its answers again
        result = run_condition(baseline, opts)
        assert result.context["generations"]["generated"] == 2
        del result
        gc.collect()
        rss.append(_rss_mb())

    benchmark.pedantic(run_once, rounds=size(8, 6), iterations=1)
    growth = rss[-1] - rss[WARM_UP - 1]  # the first runs load libraries and fill the allocator's pools
    record(benchmark, f"RSS growth over repeated runs (MB, after {WARM_UP} warm-up runs)", growth, f"<= {LIMIT_MB}",
           rss_mb_after_each_run=rss, peak_rss_mb=peak_rss_mb())  # fmt: skip
    assert growth <= LIMIT_MB, f"resident memory grew {growth:.1f} MB over {len(rss) - 1} runs: {rss}"
