"""Calibration: under no true difference the tests reject at most about alpha; a planted +10 pp is found.

Paired 0/1 outcomes are simulated with per-question correlation between the arms (the same question is
easy or hard for both): b copies a with probability ``RHO``, else is a fresh Bernoulli draw. Under the
null both arms are Bernoulli(0.5); under the alternative arm b's rate is 0.6. All draws are seeded, so
the measured rates are fixed numbers; the bounds leave room for 3 Monte Carlo standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from harness.stats import mcnemar, paired_bootstrap, sign_test, wilcoxon_signed_rank

ALPHA = 0.05
N_ITEMS = 400
REPLICATIONS = 300
RESAMPLES = 500  # enough for a 95 % percentile interval's decision; keeps the run fast
RHO = 0.4
FPR_BOUND = ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / REPLICATIONS)

Arrays = np.ndarray
Rejects = Callable[[Arrays, Arrays, int], bool]


def _bootstrap_rejects(a: Arrays, b: Arrays, seed: int) -> bool:
    return paired_bootstrap(a, b, resamples=RESAMPLES, confidence=1 - ALPHA, seed=seed).excludes(0.0)


TESTS: dict[str, Rejects] = {
    "mcnemar": lambda a, b, _: mcnemar(a, b).p_value < ALPHA,
    "wilcoxon": lambda a, b, _: wilcoxon_signed_rank(a, b).p_value < ALPHA,
    "sign": lambda a, b, _: sign_test(a, b).p_value < ALPHA,
    "bootstrap": _bootstrap_rejects,
}


def correlated_bernoulli(seed: int, p_b: float) -> tuple[Arrays, Arrays]:
    """REPLICATIONS x N_ITEMS paired outcomes: a ~ Bernoulli(0.5); b has rate p_b and copies a w.p. RHO."""
    rng = np.random.default_rng(seed)
    shape = (REPLICATIONS, N_ITEMS)
    a = (rng.random(shape) < 0.5).astype(np.float64)
    fresh = (rng.random(shape) < (p_b - RHO * 0.5) / (1 - RHO)).astype(np.float64)
    return a, np.where(rng.random(shape) < RHO, a, fresh)


def continuous_null(seed: int) -> tuple[Arrays, Arrays]:
    """F1-like scores in [0, 1]: a shared per-question difficulty plus independent noise, clipped."""
    rng = np.random.default_rng(seed)
    shape = (REPLICATIONS, N_ITEMS)
    base = rng.random(shape)
    noise = rng.normal(0.0, 0.25, size=(2, *shape))
    a, b = np.clip(base + noise[0], 0, 1), np.clip(base + noise[1], 0, 1)
    return np.round(a, 2), np.round(b, 2)


def rejection_rate(test: Rejects, a: Arrays, b: Arrays) -> float:
    return float(np.mean([test(a[r], b[r], r) for r in range(len(a))]))


@pytest.fixture(scope="module")
def binary_null() -> tuple[Arrays, Arrays]:
    return correlated_bernoulli(seed=20251101, p_b=0.5)


@pytest.mark.parametrize("name", list(TESTS))
def test_false_positive_rate_on_binary_scores(name: str, binary_null: tuple[Arrays, Arrays]) -> None:
    rate = rejection_rate(TESTS[name], *binary_null)
    assert rate <= FPR_BOUND, f"{name}: {rate:.3f} of {REPLICATIONS} null replications rejected"


@pytest.mark.parametrize("name", ["wilcoxon", "sign", "bootstrap"])
def test_false_positive_rate_on_continuous_scores(name: str) -> None:
    rate = rejection_rate(TESTS[name], *continuous_null(seed=7))
    assert rate <= FPR_BOUND, f"{name}: {rate:.3f} of {REPLICATIONS} null replications rejected"


@pytest.mark.parametrize("name", list(TESTS))
def test_power_against_a_planted_ten_point_gain(name: str) -> None:
    power = rejection_rate(TESTS[name], *correlated_bernoulli(seed=99, p_b=0.6))
    assert power >= 0.8, f"{name}: detected the +10 pp gain in only {power:.3f} of {REPLICATIONS} replications"
