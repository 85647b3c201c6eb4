"""The ``--bench-*`` options: one table, added to pytest's parser by the plugin and to ``harness run``'s by the CLI,
so the two commands take the same options with the same meaning."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.run._options import RunOptions, check_run_id, new_run_id

__all__ = ["BENCH_FLAGS", "options_from"]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"must be >= 1, got {value}")
    return value


def _run_id(text: str) -> str:
    try:
        return check_run_id(text)
    except HarnessError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# (flags, keyword arguments): what argparse's add_argument and pytest's addoption both accept.
BENCH_FLAGS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--bench-configs",), {"type": Path, "default": Path("configs"), "metavar": "DIR",
                            "help": "experiment matrix directory (default: configs)"}),
    (("--bench-dataset",), {"type": Path, "default": None, "metavar": "PATH",
                            "help": "data set directory (corpus.jsonl + questions.jsonl) used by every condition"}),
    (("--bench-cache-dir",), {"type": Path, "default": None, "metavar": "DIR",
                              "help": "artifact cache (default: $HARNESS_CACHE_DIR or .cache/harness)"}),
    (("--bench-reports-dir",), {"type": Path, "default": Path("reports"), "metavar": "DIR",
                                "help": "where run reports go (default: reports)"}),
    (("--bench-run-id",), {"type": _run_id, "default": None, "metavar": "ID",
                           "help": "name of this run's report folder"}),
    (("--bench-strict",), {"action": "store_true", "default": None,
                           "help": "a condition whose model is missing fails instead of skipping (the default when "
                                   "$CI is set)"}),
    (("--bench-no-strict",), {"action": "store_false", "dest": "bench_strict",
                              "help": "skip conditions whose model is missing, even under $CI"}),
    (("--bench-max-questions",), {"type": _positive_int, "default": None, "metavar": "N",
                                  "help": "answer only the first N test questions (quick mode)"}),
    (("--bench-rescore",), {"action": "store_true",
                            "help": "re-evaluate scores and gates from stored generations; never generate"}),
    (("--bench-ray-shards",), {"type": _positive_int, "default": None, "metavar": "N",
                               "help": "answer on N Ray workers (needs the scale extra); default: in this process"}),
    (("--bench-ray-address",), {"default": None, "metavar": "ADDR",
                                "help": "Ray cluster for --bench-ray-shards (ray://head:10001, auto); default: a "
                                        "private local instance"}),
    (("--bench-hypothesis",), {"default": "", "metavar": "TEXT",
                               "help": "what this run sets out to show; kept in run.json and shown in the report "
                                       "(learnings afterwards: harness note RUN \"...\")"}),
    (("--bench-mlflow",), {"default": None, "metavar": "URI",
                           "help": "track each condition as an MLflow run in this tracking store (sqlite:///mlflow.db, "
                                   "http://host:5000; needs the tracking extra)"}),
    (("--bench-mlflow-experiment",), {"default": None, "metavar": "NAME",
                                      "help": "MLflow experiment for --bench-mlflow (default: the run id)"}),
)  # fmt: skip


def options_from(get: Callable[[str], Any], *, run_id: str | None = None) -> RunOptions:
    """RunOptions from parsed ``--bench-*`` values (``get("bench_configs")``, ...); ``run_id`` when none was given."""
    return RunOptions(
        configs_dir=get("bench_configs"),
        dataset=get("bench_dataset"),
        cache_dir=get("bench_cache_dir"),
        reports_dir=get("bench_reports_dir"),
        run_id=get("bench_run_id") or run_id or new_run_id(),
        strict=strict_default(get("bench_strict")),
        max_questions=get("bench_max_questions"),
        rescore=get("bench_rescore"),
        ray_shards=get("bench_ray_shards"),
        ray_address=get("bench_ray_address"),
        mlflow_uri=get("bench_mlflow"),
        mlflow_experiment=get("bench_mlflow_experiment"),
        hypothesis=get("bench_hypothesis") or "",
    )


def strict_default(option: bool | None) -> bool:
    """--bench-strict / --bench-no-strict as given; otherwise strict under CI ($CI set to a true value), where a
    skipped condition would otherwise pass a gate that checked nothing."""
    if option is not None:
        return option
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
