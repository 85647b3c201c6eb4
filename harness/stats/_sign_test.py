"""The sign test: are positive differences (b better) as frequent as negative ones?

Ties are dropped; p is the two-sided exact binomial test of min(#pos, #neg) out of #pos + #neg at 1/2,
the statistic M = (#pos - #neg) / 2, as ``statsmodels.stats.descriptivestats.sign_test`` computes them.
With no non-zero difference p = 1 (statsmodels would fail on zero trials).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from harness.stats._pairing import FloatArray, paired_arrays
from harness.stats._results import PairedTestResult

__all__ = ["sign_test"]


def sign_test(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> PairedTestResult:
    x, y = paired_arrays(a, b)
    diffs = y - x
    pos, neg = int(np.sum(diffs > 0)), int(np.sum(diffs < 0))
    statistic = (pos - neg) / 2.0
    if pos + neg == 0:
        return PairedTestResult(test="sign", statistic=statistic, p_value=1.0, method="no-differences")
    p = float(stats.binomtest(min(pos, neg), pos + neg, 0.5).pvalue)
    return PairedTestResult(test="sign", statistic=statistic, p_value=p, method="exact-binomial")
