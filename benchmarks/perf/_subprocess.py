"""Run ``pytest benchmarks ...`` in a child process and measure it: wall time, peak RSS, what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.perf._perf import ROOT

OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


@dataclass(frozen=True)
class BenchRun:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str
    reports: Path

    def result(self, condition: str) -> dict[str, Any]:
        """The ``result.json`` this run wrote for ``condition``."""
        loaded: dict[str, Any] = json.loads((self.reports / "latest" / condition / "result.json").read_text())
        return loaded


def run_bench(args: list[str], *, cache: Path, reports: Path, log: Path) -> BenchRun:
    """``python -m pytest benchmarks <args>`` with its own cache and reports folder, timed and measured."""
    command = [sys.executable, "-m", "pytest", "benchmarks", "-q", "-p", "no:cacheprovider",
               "--bench-cache-dir", str(cache), "--bench-reports-dir", str(reports), *args]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HARNESS_PERF"))} | OFFLINE
    reports.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _high_water_mb(proc.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
    return BenchRun(seconds, peak, proc.returncode, log.read_text(), reports)


def _high_water_mb(pid: int) -> float:
    """The child's own peak resident memory so far (VmHWM). Not getrusage: on Linux a child's ru_maxrss starts
    from its parent's peak at fork, which for this benchmark process is far larger than the run measured."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0
