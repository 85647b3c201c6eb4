"""How many CPU threads an in-process engine may use: one rule for inference, quantisation and export checks."""

from __future__ import annotations

import os

__all__ = ["thread_budget"]


def thread_budget() -> int:
    """``OMP_NUM_THREADS`` when set (Ray sets it for each worker; set it on a shared machine), else the cores this
    process may use (``os.cpu_count()`` counts the whole machine, even under a CPU quota)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    configured = os.environ.get("OMP_NUM_THREADS", "").strip()
    return min(cores, int(configured)) if configured.isdigit() and int(configured) > 0 else cores
