"""The Wilcoxon signed-rank test on paired continuous scores (e.g. F1 per question).

Delegates to ``scipy.stats.wilcoxon`` with its defaults (zero differences dropped, "wilcox"; no
continuity correction; scipy picks exact, permutation or normal approximation by sample size, ties and
zeros), so the p-value is scipy's. One departure: when every difference is zero scipy may answer NaN;
no difference at all is no evidence of one, so we answer p = 1.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import stats

from harness.stats._pairing import FloatArray, paired_arrays
from harness.stats._results import PairedTestResult

__all__ = ["wilcoxon_signed_rank"]


def wilcoxon_signed_rank(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> PairedTestResult:
    x, y = paired_arrays(a, b)
    if np.all(x == y):
        return PairedTestResult(test="wilcoxon", statistic=0.0, p_value=1.0, method="no-differences")
    # scipy's internals divide by a zero variance on some tie patterns before choosing a method that
    # does not need it; the warning is noise, the result is unaffected.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.wilcoxon(x, y)
    return PairedTestResult(
        test="wilcoxon", statistic=float(result.statistic), p_value=float(result.pvalue), method="scipy-auto"
    )
