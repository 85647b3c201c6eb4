"""The training loss curve of a condition that trained an adapter, from its cache entry's metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError

__all__ = ["LOSS_METRICS", "LossPoint", "loss_curve"]

LOSS_METRICS = ("train_loss", "val_loss", "train_token_accuracy", "val_token_accuracy")


@dataclass(frozen=True, kw_only=True)
class LossPoint:
    """One evaluation of training (an ``EpochRecord`` of ``harness.adapt``): logged at its global ``step``."""

    step: int
    epoch: int
    values: Mapping[str, float]


def loss_curve(adaptation: Mapping[str, Any] | None) -> tuple[LossPoint, ...]:
    """The curve in the adapter's ``EXPERIMENT_METADATA.json``; the copy the result recorded when the cache entry is
    gone (another machine, a cleaned cache); () for a condition that trained nothing."""
    if not adaptation:
        return ()
    training = _stored_training(Path(str(adaptation.get("artifact_dir")))) or adaptation.get("training") or {}
    return tuple(_point(epoch) for epoch in training.get("loss_curve") or ())


def _stored_training(directory: Path) -> Mapping[str, Any] | None:
    from harness.adapt import read_metadata

    if not directory.is_dir():
        return None
    try:
        training: Mapping[str, Any] | None = read_metadata(directory).get("training")
    except HarnessError:
        return None
    return training


def _point(epoch: Mapping[str, Any]) -> LossPoint:
    values = {key: float(epoch[key]) for key in LOSS_METRICS if isinstance(epoch.get(key), int | float)}
    return LossPoint(step=int(epoch["step"]), epoch=int(epoch["epoch"]), values=values)
