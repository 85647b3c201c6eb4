"""Shared pieces of the performance benchmarks: sizes (full or quick), interleaved timing, machine facts.

Every target is a *ratio measured in one run*: the harness and its plain counterpart run alternately, round after
round, and the ratio is taken between medians, so a neighbour's load hits both arms alike. Set
``HARNESS_PERF_QUICK=1`` for the CI-sized version (fewer questions and rounds).
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUICK = os.environ.get("HARNESS_PERF_QUICK", "") not in ("", "0")


def size(full: int, quick: int) -> int:
    """``quick`` under HARNESS_PERF_QUICK=1, else ``full``."""
    return quick if QUICK else full


def skip_under_xdist() -> None:
    """Timings need the machine to themselves: under pytest-xdist other workers share the cores."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("performance ratios are measured without pytest-xdist (other workers would share the cores)")


def interleaved(arms: Mapping[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Wall seconds of each arm, ``rounds`` times, the arms alternating (and their order rotating) every round."""
    names = list(arms)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            arms[name]()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def machine() -> dict[str, Any]:
    """What the figures were measured on, including how busy the machine was."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": cores,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "quick": QUICK,
    }


def record(benchmark: Any, target: str, ratio: float, bound: str, **raw: object) -> None:
    """Put the target, its measured ratio and the raw figures behind it into the benchmark's extra_info."""
    benchmark.extra_info.update({"target": target, "ratio": round(ratio, 4), "bound": bound, "machine": machine()})
    benchmark.extra_info.update({k: _rounded(v) for k, v in raw.items()})


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
