"""The Wilson score interval for a proportion: honest near 0 and 1 and at small n, where the normal one is not."""

from __future__ import annotations

import math

from scipy import stats

from harness.errors import ConfigError
from harness.stats._results import Interval

__all__ = ["wilson_interval"]


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> Interval:
    """``successes`` of ``n`` with its Wilson score interval (``resamples`` 0, ``seed`` 0: nothing is random)."""
    if n < 1 or not 0 <= successes <= n:
        raise ConfigError(f"wilson_interval needs 0 <= successes <= n and n >= 1 (got {successes} of {n})")
    z = float(stats.norm.ppf((1 + confidence) / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Interval(estimate=p, low=max(0.0, centre - half), high=min(1.0, centre + half), confidence=confidence,
                    resamples=0, seed=0)  # fmt: skip
