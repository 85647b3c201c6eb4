"""Our paired tests agree with scipy and statsmodels on the same data, over several seeds."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.descriptivestats import sign_test as sm_sign_test
from statsmodels.stats.multitest import multipletests

from harness.errors import DataError
from harness.stats import EXACT_BELOW, holm, mcnemar, minimum_detectable_effect, sign_test, wilcoxon_signed_rank

SEEDS = [0, 1, 2, 3, 4]


def _binary_pair(seed: int, n: int, flip: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = (rng.random(n) < 0.5).astype(float)
    b = np.where(rng.random(n) < flip, 1 - a, a)
    return a, b


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("n", "flip"), [(30, 0.2), (60, 0.3), (400, 0.3), (400, 0.02), (12, 0.0)])
def test_mcnemar_matches_statsmodels(seed: int, n: int, flip: float) -> None:
    a, b = _binary_pair(seed, n, flip)
    table = [[np.sum((a == 1) & (b == 1)), np.sum((a == 1) & (b == 0))],
             [np.sum((a == 0) & (b == 1)), np.sum((a == 0) & (b == 0))]]  # fmt: skip
    discordant = table[0][1] + table[1][0]
    expected = sm_mcnemar(np.array(table), exact=bool(discordant < EXACT_BELOW), correction=True)
    ours = mcnemar(a, b)
    assert ours.p_value == pytest.approx(float(expected.pvalue), rel=1e-12, abs=1e-15)
    assert ours.statistic == pytest.approx(float(expected.statistic), rel=1e-12)
    assert ours.method == ("exact" if discordant < EXACT_BELOW else "chi2-corrected")


@pytest.mark.parametrize(("n01", "n10"), [(40, 12), (12, 40), (3, 9), (9, 3)])
def test_mcnemar_is_symmetric_in_the_two_discordant_counts(n01: int, n10: int) -> None:
    """Both directions against statsmodels: a chi-square without abs(), or an exact tail on the wrong count,
    agrees with it in one direction only."""
    a = np.array([0.0] * n01 + [1.0] * n10 + [1.0] * 20)
    b = np.array([1.0] * n01 + [0.0] * n10 + [1.0] * 20)
    table = np.array([[20, n10], [n01, 0]])
    expected = sm_mcnemar(table, exact=bool(n01 + n10 < EXACT_BELOW), correction=True)
    assert mcnemar(a, b).p_value == pytest.approx(float(expected.pvalue), rel=1e-12)
    assert mcnemar(a, b).p_value == pytest.approx(mcnemar(b, a).p_value, rel=1e-12)


def test_mcnemar_switches_to_chi_square_at_25_discordant_pairs() -> None:
    assert mcnemar([0.0] * 24, [1.0] * 24).method == "exact"
    assert mcnemar([0.0] * 25, [1.0] * 25).method == "chi2-corrected"


def test_mcnemar_refuses_non_binary_scores() -> None:
    with pytest.raises(DataError, match="McNemar needs binary scores"):
        mcnemar([0.0, 0.5], [1.0, 1.0])


def _continuous_pair(seed: int, n: int, decimals: int | None, shift: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.random(n)
    b = np.clip(a + rng.normal(shift, 0.2, n), 0, 1)
    return (a, b) if decimals is None else (np.round(a, decimals), np.round(b, decimals))


def _scipy_wilcoxon(a: np.ndarray, b: np.ndarray) -> float:
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(stats.wilcoxon(a, b).pvalue)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("n", "decimals", "shift"),
    [(20, None, 0.05), (40, 1, 0.0), (10, 1, 0.1), (120, None, 0.02), (300, 1, 0.03), (8, 1, 0.0)],
)
def test_wilcoxon_matches_scipy(seed: int, n: int, decimals: int | None, shift: float) -> None:
    a, b = _continuous_pair(seed, n, decimals, shift)
    if np.all(a == b):
        pytest.skip("no differences drawn; covered by the all-zero test")
    assert wilcoxon_signed_rank(a, b).p_value == pytest.approx(_scipy_wilcoxon(a, b), rel=1e-12)


def test_wilcoxon_without_any_difference_is_p_one() -> None:
    for n in (5, 60):
        result = wilcoxon_signed_rank(np.ones(n), np.ones(n))
        assert result.p_value == 1.0 and result.statistic == 0.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("n", "decimals", "shift"), [(15, 1, 0.0), (50, 1, 0.1), (400, 2, 0.02)])
def test_sign_test_matches_statsmodels(seed: int, n: int, decimals: int, shift: float) -> None:
    a, b = _continuous_pair(seed, n, decimals, shift)
    statistic, p = sm_sign_test(b - a)
    ours = sign_test(a, b)
    assert ours.p_value == pytest.approx(float(p), rel=1e-12)
    assert ours.statistic == float(statistic)


def test_sign_test_without_any_difference_is_p_one() -> None:
    assert sign_test([1.0, 0.0], [1.0, 0.0]).p_value == 1.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("m", [1, 2, 5, 12])
def test_holm_matches_statsmodels(seed: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.choice([0.0, 0.001, 0.01, 0.02, 0.04, 0.2, 0.5, 1.0], size=m) if seed % 2 else rng.random(m) ** 3
    assert holm(p.tolist()) == pytest.approx(multipletests(p, method="holm")[1].tolist(), rel=1e-12, abs=0)


def test_holm_edge_cases() -> None:
    assert holm([]) == ()
    with pytest.raises(DataError, match="between 0 and 1"):
        holm([0.5, 1.5])
    with pytest.raises(DataError, match="between 0 and 1"):
        holm([float("nan")])


def test_minimum_detectable_effect_formula() -> None:
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert minimum_detectable_effect(0.5, 400) == pytest.approx(z * 0.5 / 20, rel=1e-9)
    assert minimum_detectable_effect(0.5, 1600) == pytest.approx(minimum_detectable_effect(0.5, 400) / 2)
    assert minimum_detectable_effect(0.5, 400, alpha=0.01) > minimum_detectable_effect(0.5, 400)
    assert minimum_detectable_effect(0.0, 10) == 0.0
