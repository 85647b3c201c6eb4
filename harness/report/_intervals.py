"""Seeded bootstrap intervals for per-condition means (the bars of the report)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["mean_interval"]


def mean_interval(
    values: Sequence[float], *, confidence: float = 0.95, resamples: int = 2000, seed: int = 20251101
) -> tuple[float, float, float] | None:
    """(mean, low, high) by percentile bootstrap; None when there are no values."""
    import numpy as np

    if not values:
        return None
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), size=(resamples, len(data)))].mean(axis=1)
    tail = (1 - confidence) / 2
    return float(data.mean()), float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail))
