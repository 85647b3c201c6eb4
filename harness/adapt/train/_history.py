"""Per-epoch train/val loss and token accuracy from the Trainer's ``log_history``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from harness.adapt._types import EpochRecord

__all__ = ["epoch_records", "final_train_loss"]


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def _in_epoch(entry: Mapping[str, Any], epoch: int) -> bool:
    return epoch - 1 < float(entry.get("epoch", 0.0)) <= epoch + 1e-9


def epoch_records(history: Sequence[Mapping[str, Any]]) -> list[EpochRecord]:
    """One record per evaluation: the mean training loss/accuracy of that epoch's steps, and the val metrics."""
    steps = [h for h in history if "loss" in h]
    records = []
    for ev in (h for h in history if "eval_loss" in h):
        epoch = round(float(ev["epoch"]))
        mine = [s for s in steps if _in_epoch(s, epoch)]
        records.append(
            EpochRecord(
                epoch=epoch,
                step=int(ev["step"]),
                train_loss=_mean([float(s["loss"]) for s in mine]),
                val_loss=round(float(ev["eval_loss"]), 6),
                train_token_accuracy=_mean(
                    [float(s["mean_token_accuracy"]) for s in mine if "mean_token_accuracy" in s]
                ),
                val_token_accuracy=_maybe(ev.get("eval_mean_token_accuracy")),
            )
        )
    return records


def _maybe(value: object) -> float | None:
    return round(float(value), 6) if isinstance(value, int | float) else None


def final_train_loss(records: Sequence[EpochRecord]) -> float:
    losses = [r.train_loss for r in records if r.train_loss is not None]
    return losses[-1] if losses else math.nan
