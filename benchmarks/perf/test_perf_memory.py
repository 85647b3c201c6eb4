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


ADAPT_LIMIT_MB = 3072.0


def test_tiny_adaptation_peak_rss_stays_under_3_gb(benchmark: Any, tmp_path: Path) -> None:
    """A cold tiny adaptation (hybrid_tiny's recipe: load, train, merge, export, parity checks, quantise) in a child
    process of its own, its peak resident memory sampled from /proc (VmHWM). It was 8.6-10.1 GB inside a pytest
    run: full-vocabulary logits at every position, kept for the backward pass, and gathered over the whole
    validation split at each evaluation. Quick mode trains 16 samples for one epoch; the batch shape is the same."""
    import json
    import subprocess
    import sys
    import time

    from benchmarks.perf._perf import ROOT
    from benchmarks.perf._subprocess import OFFLINE, _high_water_mb

    args = [sys.executable, "-m", "benchmarks.perf.adapt_memory", "hybrid_tiny", str(tmp_path / "cache")]
    args += [] if size(0, 1) == 0 else ["16"]  # quick mode: 16 samples, one epoch
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HARNESS_PERF"))} | OFFLINE
    peak = 0.0

    def run() -> None:
        nonlocal peak
        with (tmp_path / "adapt.log").open("w") as log:
            proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            while proc.poll() is None:
                peak = max(peak, _high_water_mb(proc.pid))
                time.sleep(0.2)
        assert proc.returncode == 0, (tmp_path / "adapt.log").read_text()[-3000:]

    benchmark.pedantic(run, rounds=1, iterations=1)
    stages = json.loads((tmp_path / "adapt.log").read_text().strip().splitlines()[-1])
    record(benchmark, "peak RSS of a cold tiny adaptation (MB)", peak, f"<= {ADAPT_LIMIT_MB:.0f}",
           stage_peak_rss_mb=stages["stage_peak_rss_mb"], stage_wall_s=stages["stage_wall_s"])  # fmt: skip
    assert peak <= ADAPT_LIMIT_MB, f"a tiny adaptation peaked at {peak:.0f} MB: {stages['stage_peak_rss_mb']}"
