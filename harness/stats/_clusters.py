"""Questions that share a passage are not independent: resample and test them as whole clusters.

Eight questions on one paper rise and fall together (the passage is easy, or retrieval misses it for all of them),
so treating them as eight independent draws makes intervals too narrow and p-values too small. With clusters
(by default: questions sharing a gold document), the paired bootstrap draws whole clusters with replacement and
takes the mean difference over the items drawn (the ratio estimator); the paired test runs on the per-cluster
mean differences, each cluster one independent unit.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import NDArray

from harness.errors import DataError
from harness.stats._blocks import resample_in_blocks
from harness.stats._pairing import FloatArray

__all__ = ["ClusterSums", "cluster_means", "cluster_sums", "has_clusters", "resampled_cluster_means"]


class ClusterSums:
    """Per-cluster sums of the paired differences and cluster sizes, clusters in order of first appearance."""

    def __init__(self, sums: FloatArray, sizes: FloatArray) -> None:
        self.sums, self.sizes = sums, sizes

    @property
    def count(self) -> int:
        return int(self.sizes.size)


def has_clusters(clusters: Sequence[Hashable] | None) -> bool:
    """True when some cluster holds more than one item (otherwise clustering changes nothing)."""
    return clusters is not None and len(set(clusters)) < len(clusters)


def cluster_sums(diffs: FloatArray, clusters: Sequence[Hashable]) -> ClusterSums:
    if len(clusters) != diffs.size:
        raise DataError(f"clusters has {len(clusters)} labels for {diffs.size} paired items; give one per item")
    index: dict[Hashable, int] = {}
    labels = np.array([index.setdefault(c, len(index)) for c in clusters])
    sums = np.bincount(labels, weights=diffs, minlength=len(index)).astype(np.float64)
    sizes = np.bincount(labels, minlength=len(index)).astype(np.float64)
    return ClusterSums(sums, sizes)


def cluster_means(diffs: FloatArray, clusters: Sequence[Hashable]) -> FloatArray:
    """One mean difference per cluster: the independent units a cluster-level test compares."""
    grouped = cluster_sums(diffs, clusters)
    return grouped.sums / grouped.sizes


def resampled_cluster_means(grouped: ClusterSums, resamples: int, seed: int) -> FloatArray:
    """``resamples`` bootstrap means: clusters drawn with replacement, mean over the items they hold."""
    sums, sizes = grouped.sums, grouped.sizes

    def ratio_of_means(idx: NDArray[np.int64]) -> FloatArray:
        return np.asarray(sums[idx].sum(axis=1) / sizes[idx].sum(axis=1), dtype=np.float64)

    return resample_in_blocks(grouped.count, resamples, seed, ratio_of_means)
