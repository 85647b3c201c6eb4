"""Clustered intervals and tests: questions sharing a passage resampled and tested as one unit.

Oracles are independent of the code under test: the bootstrap distribution of a two-cluster case worked out by hand,
scipy's Wilcoxon on cluster means computed with pandas, and a simulation of correlated questions in which the
i.i.d. interval under-covers and the clustered one holds its level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from harness.stats import compare, paired_bootstrap
from harness.stats._clusters import cluster_sums, resampled_cluster_means


def test_two_clusters_bootstrap_distribution_matches_the_hand_computed_one() -> None:
    """Cluster A holds diffs (1, 1), B holds (0): a draw AA means 1, AB or BA 2/3, BB 0, with chances 1/4, 1/2, 1/4."""
    means = resampled_cluster_means(cluster_sums(np.array([1.0, 1.0, 0.0]), ["A", "A", "B"]), 40_000, seed=3)
    values, counts = np.unique(np.round(means, 9), return_counts=True)
    assert list(values) == pytest.approx([0.0, 2 / 3, 1.0])
    assert counts / counts.sum() == pytest.approx([0.25, 0.5, 0.25], abs=0.01)


def test_singleton_clusters_change_nothing() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.random(50), rng.random(50)
    plain = compare(a, b, metric="f1", resamples=500, confidence=0.95, seed=1)
    own = compare(a, b, metric="f1", resamples=500, confidence=0.95, seed=1, clusters=[str(i) for i in range(50)])
    assert own == plain and own.clusters is None


def test_the_clustered_test_is_wilcoxon_over_cluster_means() -> None:
    rng = np.random.default_rng(5)
    clusters = [f"doc{i // 4}" for i in range(60)]
    a, b = rng.random(60), rng.random(60) + 0.1
    result = compare(a, b, metric="f1", resamples=300, confidence=0.95, seed=2, clusters=clusters)
    means = pd.DataFrame({"c": clusters, "d": b - a}).groupby("c", sort=False)["d"].mean()
    assert result.test == "wilcoxon_clusters" and result.clusters == 15 and result.n == 60
    assert result.p_value == pytest.approx(scipy_stats.wilcoxon(means.to_numpy()).pvalue, rel=1e-9)
    assert result.difference == pytest.approx(float(np.mean(b - a)))


def _correlated(rng: np.random.Generator, groups: int, size: int, icc: float) -> tuple[np.ndarray, list[int]]:
    """Paired differences with no true effect; each cluster shares a random shift (intraclass correlation icc)."""
    shift = rng.normal(0, np.sqrt(icc), groups).repeat(size)
    return shift + rng.normal(0, np.sqrt(1 - icc), groups * size), [i // size for i in range(groups * size)]


def test_by_simulation_the_iid_interval_under_covers_and_the_clustered_one_holds() -> None:
    """40 clusters of 8 questions, ICC 0.5, no true difference, 300 replications: how often each 95 % interval covers
    0, and how often each test rejects at alpha 0.05."""
    rng = np.random.default_rng(20251130)
    covered = {"iid": 0, "clustered": 0}
    rejected = {"iid": 0, "clustered": 0}
    reps = 300
    for rep in range(reps):
        diffs, clusters = _correlated(rng, 40, 8, 0.5)
        zeros = np.zeros_like(diffs)
        for name, labels in (("iid", None), ("clustered", clusters)):
            interval = paired_bootstrap(zeros, diffs, resamples=400, confidence=0.95, seed=rep, clusters=labels)
            covered[name] += interval.low <= 0 <= interval.high
            p = compare(zeros, diffs, metric="x", binary=False, resamples=100, confidence=0.95, seed=rep,
                        clusters=labels).p_value  # fmt: skip
            rejected[name] += p < 0.05
    coverage = {k: v / reps for k, v in covered.items()}
    false_positive = {k: v / reps for k, v in rejected.items()}
    print(f"\ncoverage {coverage}; false-positive rate {false_positive}")
    assert coverage["iid"] < 0.8  # design effect 1 + 7 * 0.5 = 4.5: the i.i.d. interval is about half as wide as due
    assert coverage["clustered"] >= 0.91  # nominal 0.95; the percentile bootstrap with 40 clusters runs a little short
    assert false_positive["iid"] > 0.2
    assert false_positive["clustered"] <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps)
