"""Intervals for per-condition means (the bars of the report): the paired bootstrap of ``harness.stats`` against
zero, with the condition's own scoring settings (resamples, confidence, seed), as its gates use them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["mean_interval"]


def mean_interval(
    values: Sequence[float], scoring: Mapping[str, Any] | None = None
) -> tuple[float, float, float] | None:
    """(mean, low, high); None when there are no values. ``scoring``: the condition's ``scoring`` block."""
    from harness.config import ScoringConfig
    from harness.stats import paired_bootstrap

    if not values:
        return None
    defaults = ScoringConfig()
    settings = scoring or {}
    interval = paired_bootstrap(
        [0.0] * len(values),
        values,
        resamples=int(settings.get("bootstrap_resamples", defaults.bootstrap_resamples)),
        confidence=float(settings.get("confidence", defaults.confidence)),
        seed=int(settings.get("seed", defaults.seed)),
    )
    return interval.estimate, interval.low, interval.high
