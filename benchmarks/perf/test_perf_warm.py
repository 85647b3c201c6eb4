"""Warm re-run: a second ``pytest benchmarks -k rag_baseline_tiny`` with nothing changed takes <= 5 % of the cold
run, every stage (generations included) coming from the cache; changing only a gate threshold re-scores
without generating. Both runs are real child processes of the README's command, on a fresh cache."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from benchmarks.perf._perf import ROOT, record, size
from benchmarks.perf._subprocess import run_bench

TARGET = 0.05


def _with_gate_threshold(tmp: Path, value: float) -> Path:
    """A copy of configs/ in which only gate.min_factuality_delta_pp (of every condition) is changed."""
    out = tmp / "configs-gate"
    shutil.copytree(ROOT / "configs", out)
    defaults = out / "defaults.yaml"
    text = defaults.read_text()
    assert "min_factuality_delta_pp: 5.0" in text
    defaults.write_text(text.replace("min_factuality_delta_pp: 5.0", f"min_factuality_delta_pp: {value}"))
    return out


def test_warm_rerun_costs_a_few_percent_of_the_cold_run(benchmark: Any, tmp_path: Path) -> None:
    # The whole test split, as users run it; quick still needs a cold run well above the ~3 s floor of starting
    # pytest and reading the cache, or the ratio measures that floor.
    n = size(300, 60)
    cache, reports = tmp_path / "cache", tmp_path / "reports"
    args = ["-k", "rag_baseline_tiny", "--bench-max-questions", str(n)]

    def run(name: str, extra: list[str]) -> Any:
        done = run_bench([*args, *extra], cache=cache, reports=reports / name, log=tmp_path / f"{name}.log")
        assert done.returncode == 0, done.output[-3000:]
        return done

    def cold_then_warm() -> tuple[Any, Any]:
        return run("cold", []), run("warm", [])

    cold, warm = benchmark.pedantic(cold_then_warm, rounds=1)
    gate = run("gate", ["--bench-configs", str(_with_gate_threshold(tmp_path, 7.5))])
    generated = {r: run.result("rag_baseline_tiny")["generations"] for r, run in (("cold", cold), ("warm", warm),
                                                                                   ("gate", gate))}  # fmt: skip
    ratio = warm.seconds / cold.seconds
    timings = cold.result("rag_baseline_tiny")["timings_s"]
    record(benchmark, "warm re-run wall time / cold run", ratio, f"<= {TARGET}", questions=n,
           cold_s=cold.seconds, warm_s=warm.seconds, gate_change_s=gate.seconds, cold_stage_timings_s=timings,
           cold_peak_rss_mb=cold.peak_rss_mb, warm_peak_rss_mb=warm.peak_rss_mb, generations=generated)  # fmt: skip
    assert generated["cold"]["generated"] == n
    assert generated["warm"] == generated["gate"] == {"generated": 0, "reused": n}
    assert ratio <= TARGET, f"warm run {warm.seconds:.1f}s is {ratio:.1%} of the cold run {cold.seconds:.1f}s"
