"""Run-wide options shared by the pytest plugin and the CLI."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError

__all__ = ["RunOptions", "check_run_id", "new_run_id"]

# One plain folder name under the reports directory: nothing that could escape it (``..``, ``/``), hide (``.x``)
# or clobber the ``latest`` link.
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


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
    # Answer on this many Ray workers (harness.scale.RayShardedBackend); None answers in this process.
    ray_shards: int | None = None
    ray_address: str | None = None  # None: a private local Ray instance
    # Track each finished condition as an MLflow run (harness.tracking); None tracks nothing.
    mlflow_uri: str | None = None
    mlflow_experiment: str | None = None  # None: the run id
    hypothesis: str = ""  # the experiment log's hypothesis for the whole run

    def __post_init__(self) -> None:
        if self.run_id:
            check_run_id(self.run_id)
        if self.ray_shards is not None and self.ray_shards < 1:
            raise ConfigError(f"--bench-ray-shards={self.ray_shards} must be >= 1")
        if self.ray_address is not None and self.ray_shards is None:
            raise ConfigError(f"--bench-ray-address={self.ray_address} needs --bench-ray-shards N (how many workers)")
        if self.mlflow_experiment is not None and self.mlflow_uri is None:
            raise ConfigError(f"--bench-mlflow-experiment={self.mlflow_experiment} needs --bench-mlflow URI "
                              "(the tracking store, e.g. sqlite:///mlflow.db)")  # fmt: skip


def check_run_id(run_id: str) -> str:
    """``run_id`` if it is a safe report folder name, else ConfigError saying what is allowed."""
    if not _RUN_ID.fullmatch(run_id) or run_id == "latest":
        raise ConfigError(
            f"run id {run_id!r} is not a plain folder name: use letters, digits, '.', '_' and '-' "
            "(starting with a letter or digit, at most 128 characters, not 'latest')"
        )
    return run_id


def new_run_id() -> str:
    """Sortable, unique enough for one machine: UTC time plus the process id."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{os.getpid()}"
