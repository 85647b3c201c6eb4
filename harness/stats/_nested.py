"""Two-level bootstrap for repeated judgements: the judges' disagreement widens the interval.

Each question has several scores for the same answer (repeated judging). One resample draws questions with
replacement and then, for each drawn question, draws its scores with replacement and averages them. The
spread of the resampled means therefore holds both the question-to-question variation and the judge's own
(repeat-to-repeat) noise; with one score per question it is the ordinary bootstrap of the mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from harness.errors import DataError
from harness.stats._blocks import BLOCK_ENTRIES
from harness.stats._bootstrap import _check
from harness.stats._results import Interval

__all__ = ["nested_bootstrap"]


def nested_bootstrap(scores: Sequence[Sequence[float]], *, resamples: int, confidence: float, seed: int) -> Interval:
    """Mean of per-question means, with a percentile interval from the two-level resample."""
    _check(resamples, confidence)
    groups = [np.asarray(s, dtype=np.float64) for s in scores]
    if not groups or any(g.size == 0 or not np.all(np.isfinite(g)) for g in groups):
        raise DataError("nested_bootstrap needs at least one question, each with >= 1 finite score")
    sizes = np.array([g.size for g in groups])
    padded = np.zeros((len(groups), int(sizes.max())))
    for i, g in enumerate(groups):
        padded[i, : g.size] = g
    rng = np.random.default_rng(seed)
    rows = max(1, BLOCK_ENTRIES // padded.size)
    means = np.concatenate(
        [_block(padded, sizes, min(rows, resamples - start), rng) for start in range(0, resamples, rows)]
    )
    low, high = np.quantile(means, [(1 - confidence) / 2, (1 + confidence) / 2])
    estimate = float(np.mean([g.mean() for g in groups]))
    return Interval(
        estimate=estimate, low=float(low), high=float(high), confidence=confidence, resamples=resamples, seed=seed
    )


def _block(padded: np.ndarray, sizes: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` resampled means. Row i of ``padded`` holds question i's ``sizes[i]`` scores, then zeros."""
    n, width = padded.shape
    picked = rng.integers(0, n, size=(count, n))
    k = sizes[picked]  # (count, n): how many scores each drawn question has
    inner = (rng.random((count, n, width)) * k[..., None]).astype(np.int64)  # a draw among its own scores
    values = padded[picked[..., None], inner]
    used = np.arange(width) < k[..., None]  # a question with k scores draws k of them
    question_means = (values * used).sum(axis=2) / k
    means: np.ndarray = question_means.mean(axis=1)
    return means
