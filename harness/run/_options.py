"""Run-wide options shared by the pytest plugin and the CLI."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RunOptions", "new_run_id"]


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    configs_dir: Path = Path("configs")
    dataset: Path | None = None  # overrides every condition's data.dataset
    cache_dir: Path | None = None  # None: $HARNESS_CACHE_DIR or .cache/harness
    reports_dir: Path = Path("reports")
    run_id: str = ""
    strict: bool = False
    max_questions: int | None = None
    rescore: bool = False  # re-evaluate stored results; never generate


def new_run_id() -> str:
    """Sortable, unique enough for one machine: UTC time plus the process id."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{os.getpid()}"
