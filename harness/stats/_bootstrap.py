"""Paired bootstrap: the mean difference b - a with a percentile confidence interval.

Questions are resampled with replacement (the same draw for both arms, which keeps the pairing); the
interval is the (1-c)/2 and (1+c)/2 quantiles of the resampled mean differences. Given ``clusters`` in which
some cluster holds several questions, whole clusters are resampled instead (see ``harness.stats._clusters``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from harness.errors import ConfigError
from harness.stats._blocks import resample_in_blocks
from harness.stats._clusters import cluster_sums, has_clusters, resampled_cluster_means
from harness.stats._pairing import FloatArray, paired_arrays
from harness.stats._results import Interval

__all__ = ["paired_bootstrap"]


def _check(resamples: int, confidence: float) -> None:
    if resamples < 1:
        raise ConfigError(f"resamples={resamples} must be >= 1")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence={confidence} must be between 0 and 1 (exclusive)")


def _resampled_means(diffs: FloatArray, resamples: int, seed: int) -> FloatArray:
    return resample_in_blocks(diffs.size, resamples, seed, lambda idx: diffs[idx].mean(axis=1))


def paired_bootstrap(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    *,
    resamples: int,
    confidence: float,
    seed: int,
    clusters: Sequence[Hashable] | None = None,
) -> Interval:
    _check(resamples, confidence)
    x, y = paired_arrays(a, b)
    diffs = y - x
    if has_clusters(clusters):
        assert clusters is not None
        means = resampled_cluster_means(cluster_sums(diffs, clusters), resamples, seed)
    else:
        means = _resampled_means(diffs, resamples, seed)
    low, high = np.quantile(means, [(1 - confidence) / 2, (1 + confidence) / 2])
    return Interval(
        estimate=float(diffs.mean()), low=float(low), high=float(high),
        confidence=confidence, resamples=resamples, seed=seed,
    )  # fmt: skip
