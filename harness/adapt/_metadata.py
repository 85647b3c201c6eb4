"""``EXPERIMENT_METADATA.json``: what was trained, on what, how it went, and what was exported."""

from __future__ import annotations

import dataclasses
import os
import platform
from datetime import UTC, datetime
from typing import Any

from harness.adapt._base import BaseModel
from harness.adapt._cache_key import CODE_VERSION
from harness.adapt._types import TokenStats, TrainOutcome, Trial
from harness.config import Condition
from harness.data import Splits
from harness.versions import package_versions

__all__ = ["SCHEMA", "base_record", "token_record", "training_record", "trials_record"]

SCHEMA = "adapt-artifact/1"


def base_record(condition: Condition, splits: Splits, base: BaseModel, key: str) -> dict[str, Any]:
    """The fields known before training: identity of data, base, condition and code."""
    return {
        "schema": SCHEMA,
        "key": key,
        "code_version": CODE_VERSION,
        "created": datetime.now(UTC).isoformat(),
        "condition": condition.name,
        "dataset": {
            "tag": splits.dataset.tag,
            "content_hash": splits.dataset.content_hash,
            "split_seed": splits.seed,
            "train_questions": len(splits.train),
            "val_questions": len(splits.val),
        },
        "base_model": base.identity(),
        "hyperparameters": dataclasses.asdict(condition.adaptation),
        "evaluation": {"status": "pending", "summary": None},  # filled by record_evaluation()
        "packages": {"python": platform.python_version(), **package_versions()},
        "machine": {"cpu_count": os.cpu_count()},
    }


def token_record(train: TokenStats, val: TokenStats) -> dict[str, Any]:
    return {"train": dataclasses.asdict(train), "val": dataclasses.asdict(val)}


def trials_record(trials: list[Trial]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(t) for t in trials]


def training_record(best: TrainOutcome) -> dict[str, Any]:
    """The chosen run: its parameters, best checkpoint/epoch, the loss curve and runtime."""
    record = dataclasses.asdict(best)
    record.pop("adapter_dir")
    record["loss_curve"] = record.pop("epochs")
    return record
