"""Holm's step-down correction of p-values for a family of comparisons.

Sorted ascending, the i-th smallest of m p-values becomes (m - i) * p (i from 0), made monotone by a
running maximum and capped at 1; results come back in input order. Matches
``statsmodels.stats.multitest.multipletests(p, method="holm")[1]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from harness.errors import DataError

__all__ = ["holm"]


def holm(pvalues: Sequence[float]) -> tuple[float, ...]:
    p = np.asarray(pvalues, dtype=np.float64)
    if p.ndim != 1 or not np.all((p >= 0) & (p <= 1)):
        raise DataError(f"holm needs p-values between 0 and 1 (got {list(pvalues)!r})")
    m = p.size
    order = np.argsort(p)
    stepped = np.minimum(np.maximum.accumulate(p[order] * np.arange(m, 0, -1)), 1.0)
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return tuple(float(v) for v in adjusted)
