"""One paired comparison of two arms on one metric: estimate, CI, p-values and power, together."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from harness.stats._bootstrap import paired_bootstrap
from harness.stats._clusters import cluster_means, has_clusters
from harness.stats._holm import holm
from harness.stats._mcnemar import mcnemar
from harness.stats._mde import minimum_detectable_effect
from harness.stats._pairing import FloatArray, paired_arrays
from harness.stats._sign_test import sign_test
from harness.stats._wilcoxon import wilcoxon_signed_rank

__all__ = ["Comparison", "compare", "holm_adjust", "is_binary"]

POWER = 0.8


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """Arm b against arm a on ``metric`` over n paired questions; ``difference`` is mean(b) - mean(a).

    ``test`` names the primary test (McNemar for binary scores, Wilcoxon for continuous ones; with clusters,
    Wilcoxon over the per-cluster mean differences, ``wilcoxon_clusters``); ``clusters`` is how many independent
    clusters the interval and the test resampled (None: every question its own);
    ``p_values`` holds it and the sign test; ``p_holm`` is the primary p-value after Holm correction
    across a family of comparisons (see ``holm_adjust``), None until then. ``mde`` is the minimum
    detectable effect at alpha = 1 - confidence and 80 % power (None with fewer than 2 items).
    """

    metric: str
    n: int
    mean_a: float
    mean_b: float
    difference: float
    ci_low: float
    ci_high: float
    confidence: float
    binary: bool
    test: str
    p_values: Mapping[str, float]
    p_holm: float | None
    mde: float | None
    resamples: int
    seed: int
    clusters: int | None = None

    @property
    def p_value(self) -> float:
        return self.p_values[self.test]

    def to_dict(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        out["p_values"] = dict(self.p_values)
        return out


def is_binary(x: FloatArray) -> bool:
    return bool(np.isin(x, (0.0, 1.0)).all())


def _mde(diffs: FloatArray, confidence: float) -> float | None:
    if diffs.size < 2:
        return None
    return minimum_detectable_effect(float(np.std(diffs, ddof=1)), diffs.size, alpha=1 - confidence, power=POWER)


def compare(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    *,
    metric: str,
    binary: bool | None = None,
    resamples: int,
    confidence: float,
    seed: int,
    clusters: Sequence[Hashable] | None = None,
) -> Comparison:
    """``binary=None`` decides from the data: binary when every score is 0 or 1. ``clusters`` (one label per
    question, e.g. its gold document) makes the interval and the tests treat each cluster as one unit."""
    x, y = paired_arrays(a, b)
    binary = is_binary(x) and is_binary(y) if binary is None else binary
    interval = paired_bootstrap(x, y, resamples=resamples, confidence=confidence, seed=seed, clusters=clusters)
    if has_clusters(clusters):
        assert clusters is not None
        units = cluster_means(y - x, clusters)
        zeros = np.zeros_like(units)
        primary = dataclasses.replace(wilcoxon_signed_rank(zeros, units), test="wilcoxon_clusters")
        sign, n_clusters, mde = sign_test(zeros, units).p_value, int(units.size), _mde(units, confidence)
    else:
        primary = mcnemar(x, y) if binary else wilcoxon_signed_rank(x, y)
        sign, n_clusters, mde = sign_test(x, y).p_value, None, _mde(y - x, confidence)
    return Comparison(
        metric=metric, n=int(x.size), mean_a=float(x.mean()), mean_b=float(y.mean()),
        difference=interval.estimate, ci_low=interval.low, ci_high=interval.high, confidence=confidence,
        binary=binary, test=primary.test, p_values={primary.test: primary.p_value, "sign": sign},
        p_holm=None, mde=mde, resamples=resamples, seed=seed, clusters=n_clusters,
    )  # fmt: skip


def holm_adjust(comparisons: Sequence[Comparison]) -> tuple[Comparison, ...]:
    """The same comparisons with ``p_holm`` set: their primary p-values corrected as one family."""
    adjusted = holm([c.p_value for c in comparisons])
    return tuple(dataclasses.replace(c, p_holm=p) for c, p in zip(comparisons, adjusted, strict=True))
