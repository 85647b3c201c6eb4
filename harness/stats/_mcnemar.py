"""McNemar's test for paired binary outcomes (correct / not correct per question).

Only discordant pairs carry information: n01 (a wrong, b right) and n10 (a right, b wrong). With fewer
than 25 of them the exact binomial test is used (p = min(1, 2 * P[Bin(n01+n10, 1/2) <= min])); otherwise
the chi-square statistic with continuity correction, (|n01 - n10| - 1)^2 / (n01 + n10), on 1 degree of
freedom. Both match ``statsmodels.stats.contingency_tables.mcnemar`` (exact=True / exact=False).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from harness.errors import DataError
from harness.stats._pairing import FloatArray, paired_arrays
from harness.stats._results import PairedTestResult

__all__ = ["EXACT_BELOW", "mcnemar"]

EXACT_BELOW = 25  # discordant pairs


def _discordant(x: FloatArray, y: FloatArray) -> tuple[int, int]:
    if not (np.isin(x, (0.0, 1.0)).all() and np.isin(y, (0.0, 1.0)).all()):
        raise DataError("McNemar needs binary scores (0 or 1 per question); fix: use wilcoxon for continuous ones")
    return int(np.sum((x == 0) & (y == 1))), int(np.sum((x == 1) & (y == 0)))


def mcnemar(a_binary: Sequence[float] | FloatArray, b_binary: Sequence[float] | FloatArray) -> PairedTestResult:
    n01, n10 = _discordant(*paired_arrays(a_binary, b_binary))
    discordant = n01 + n10
    if discordant < EXACT_BELOW:
        smaller = min(n01, n10)
        p = min(1.0, float(stats.binom.cdf(smaller, discordant, 0.5)) * 2)
        return PairedTestResult(test="mcnemar", statistic=float(smaller), p_value=p, method="exact")
    statistic = (abs(n01 - n10) - 1) ** 2 / (1.0 * discordant)
    p = float(stats.chi2.sf(statistic, 1))
    return PairedTestResult(test="mcnemar", statistic=statistic, p_value=p, method="chi2-corrected")
