"""Edges of the statistical building blocks: whole result records, boundaries of every check, the messages a user
reads, and the resampling draws written out the plain way.

Expected values come from scipy/statsmodels, the textbook formulas, or hand-worked cases written in the test.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from harness.errors import ConfigError, DataError
from harness.stats import (
    Interval,
    PairedTestResult,
    cohens_kappa,
    compare,
    mcnemar,
    minimum_detectable_effect,
    nested_bootstrap,
    pair_by_qid,
    paired_bootstrap,
    sign_test,
    wilcoxon_signed_rank,
    wilson_interval,
)
from harness.stats._blocks import BLOCK_ENTRIES
from harness.stats._clusters import cluster_means, cluster_sums
from harness.stats._pairing import paired_arrays

# --- the paired tests return whole, named records ---------------------------------------------------------------


def test_sign_test_record_names_the_test_and_the_exact_binomial() -> None:
    """Diffs +1, +1, +1, -1: M = (3 - 1) / 2 = 1, p = P(Bin(4, 1/2) <= 1) * 2 = 10/16."""
    result = sign_test([0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 0.0])
    assert result == PairedTestResult(test="sign", statistic=1.0, p_value=0.625, method="exact-binomial")


def test_sign_test_with_balanced_signs_still_runs_the_binomial_test() -> None:
    """#pos == #neg > 0 is a difference in both directions, not "no differences" (p is 1 either way)."""
    result = sign_test([0.0, 1.0], [1.0, 0.0])
    assert result == PairedTestResult(test="sign", statistic=0.0, p_value=1.0, method="exact-binomial")


def test_sign_test_without_differences_says_so() -> None:
    result = sign_test([0.5, 0.25], [0.5, 0.25])
    assert result == PairedTestResult(test="sign", statistic=0.0, p_value=1.0, method="no-differences")


def test_wilcoxon_record_carries_scipys_statistic() -> None:
    a, b = [0.1, 0.4, 0.3, 0.9, 0.5, 0.2], [0.3, 0.3, 0.8, 1.0, 0.9, 0.7]
    expected = stats.wilcoxon(a, b)
    result = wilcoxon_signed_rank(a, b)
    assert result == PairedTestResult(
        test="wilcoxon", statistic=float(expected.statistic), p_value=float(expected.pvalue), method="scipy-auto"
    )


def test_wilcoxon_without_differences_says_so() -> None:
    result = wilcoxon_signed_rank([0.5, 0.25], [0.5, 0.25])
    assert result == PairedTestResult(test="wilcoxon", statistic=0.0, p_value=1.0, method="no-differences")


def test_mcnemar_chi_square_record() -> None:
    """n01 = 30, n10 = 10: (|30 - 10| - 1)^2 / 40 = 9.025 on 1 df."""
    a = [0.0] * 30 + [1.0] * 10
    b = [1.0] * 30 + [0.0] * 10
    expected = PairedTestResult(test="mcnemar", statistic=9.025, p_value=float(stats.chi2.sf(9.025, 1)),
                                method="chi2-corrected")  # fmt: skip
    assert mcnemar(a, b) == expected


def test_mcnemar_refusal_message_is_whole() -> None:
    message = "McNemar needs binary scores (0 or 1 per question); fix: use wilcoxon for continuous ones"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        mcnemar([0.5], [1.0])


# --- Wilson interval ------------------------------------------------------------------------------------------------


def test_wilson_default_confidence_is_95_percent() -> None:
    low, high = proportion_confint(3, 10, alpha=0.05, method="wilson")
    interval = wilson_interval(3, 10)
    assert (interval.low, interval.high) == pytest.approx((low, high), abs=1e-12)
    assert (interval.confidence, interval.resamples, interval.seed) == (0.95, 0, 0)


@pytest.mark.parametrize("k", [0, 1])
def test_wilson_accepts_a_single_trial(k: int) -> None:
    low, high = proportion_confint(k, 1, alpha=0.05, method="wilson")
    assert (wilson_interval(k, 1).low, wilson_interval(k, 1).high) == pytest.approx((low, high), abs=1e-12)


@pytest.mark.parametrize("n", range(1, 100))
def test_wilson_upper_bound_never_exceeds_one(n: int) -> None:
    """At k = n the upper bound is 1 in exact arithmetic; floating point overshoots for some n (16, 40, ...)."""
    assert wilson_interval(n, n).high <= 1.0


@pytest.mark.parametrize(("k", "n"), [(4, 3), (-1, 3), (0, 0)])
def test_wilson_refusal_names_the_counts(k: int, n: int) -> None:
    message = f"wilson_interval needs 0 <= successes <= n and n >= 1 (got {k} of {n})"
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        wilson_interval(k, n)


# --- intervals ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "value", "excluded"),
    [(-1.0, 0.5, None, False), (0.5, 2.0, None, True), (0.0, 1.0, 0.0, False), (-1.0, 0.0, 0.0, False),
     (0.0, 1.0, 1.0, False), (0.0, 1.0, 1.5, True), (0.0, 1.0, -0.5, True)],
)  # fmt: skip
def test_interval_excludes_a_value_strictly_outside_it(
    low: float, high: float, value: float | None, excluded: bool
) -> None:
    """Bounds are inside the interval; the default value is 0."""
    interval = Interval(estimate=0.0, low=low, high=high, confidence=0.95, resamples=1, seed=0)
    assert (interval.excludes() if value is None else interval.excludes(value)) is excluded


# --- bootstrap settings and draws -----------------------------------------------------------------------------------


def test_bootstrap_accepts_one_resample_and_refuses_confidence_zero() -> None:
    one = paired_bootstrap([0.0, 1.0], [1.0, 1.0], resamples=1, confidence=0.95, seed=0)
    assert one.resamples == 1 and one.estimate == 0.5
    with pytest.raises(ConfigError, match=r"^confidence=0 must be between 0 and 1 \(exclusive\)$"):
        paired_bootstrap([1.0], [1.0], resamples=10, confidence=0, seed=0)
    with pytest.raises(ConfigError, match=r"^resamples=0 must be >= 1$"):
        paired_bootstrap([1.0], [1.0], resamples=0, confidence=0.95, seed=0)


def test_bootstrap_over_several_blocks_is_the_plain_percentile_interval() -> None:
    """3000 items: the draws come in blocks of BLOCK_ENTRIES // 3000 rows; written out the plain way."""
    rng = np.random.default_rng(4)
    a, b = rng.random(3000), rng.random(3000)
    interval = paired_bootstrap(a, b, resamples=3000, confidence=0.9, seed=8)
    draw = np.random.default_rng(8)
    rows = BLOCK_ENTRIES // 3000
    means = []
    for start in range(0, 3000, rows):
        idx = draw.integers(0, 3000, size=(min(rows, 3000 - start), 3000))
        means.extend((b - a)[idx].mean(axis=1))
    assert len(means) == 3000
    assert (interval.low, interval.high) == pytest.approx(tuple(np.quantile(means, [0.05, 0.95])), rel=1e-12)


def test_clustered_bootstrap_is_reproducible_from_its_seed() -> None:
    rng = np.random.default_rng(6)
    a, b = rng.random(80), rng.random(80)
    clusters = [i // 4 for i in range(80)]
    first = paired_bootstrap(a, b, resamples=500, confidence=0.95, seed=9, clusters=clusters)
    assert paired_bootstrap(a, b, resamples=500, confidence=0.95, seed=9, clusters=clusters) == first


def test_cluster_means_are_per_cluster_mean_differences() -> None:
    """Clusters of unequal size: a (1, 3) -> 2, b (5) -> 5, c (-2, 0, 2) -> 0, in order of first appearance."""
    means = cluster_means(np.array([1.0, 5.0, 3.0, -2.0, 0.0, 2.0]), ["a", "b", "a", "c", "c", "c"])
    assert means.tolist() == [2.0, 5.0, 0.0]


def test_cluster_labels_must_match_the_items() -> None:
    with pytest.raises(DataError, match=r"^clusters has 1 labels for 2 paired items; give one per item$"):
        cluster_sums(np.array([1.0, 2.0]), ["a"])


# --- the two-level bootstrap ----------------------------------------------------------------------------------------


def _plain_nested(scores: list[list[float]], resamples: int, confidence: float, seed: int) -> tuple[float, float]:
    """The two-level resample written out question by question, drawing from the generator in the same order:
    per block the question indices, then one uniform per (question, score slot)."""
    n, width = len(scores), max(len(s) for s in scores)
    rows = max(1, BLOCK_ENTRIES // (n * width))
    rng = np.random.default_rng(seed)
    means: list[float] = []
    for start in range(0, resamples, rows):
        count = min(rows, resamples - start)
        picked = rng.integers(0, n, size=(count, n))
        uniforms = rng.random((count, n, width))
        for r in range(count):
            question_means = []
            for j in range(n):
                own = scores[picked[r, j]]
                k = len(own)
                question_means.append(sum(own[int(u * k)] for u in uniforms[r, j, :k]) / k)
            means.append(sum(question_means) / n)
    low, high = np.quantile(means, [(1 - confidence) / 2, (1 + confidence) / 2])
    return float(low), float(high)


def test_nested_bootstrap_is_the_plain_two_level_resample() -> None:
    rng = np.random.default_rng(2)
    scores = [list(rng.random(int(k))) for k in rng.integers(1, 4, 25)]
    interval = nested_bootstrap(scores, resamples=300, confidence=0.9, seed=5)
    assert (interval.low, interval.high) == pytest.approx(_plain_nested(scores, 300, 0.9, 5), rel=1e-12)
    assert (interval.confidence, interval.resamples, interval.seed) == (0.9, 300, 5)


def test_nested_bootstrap_over_several_blocks_is_the_plain_resample() -> None:
    """4000 questions of one score: blocks of BLOCK_ENTRIES // 4000 = 1000 resamples, so 1500 come in two blocks;
    with one score a question's inner draw is that score (the uniforms are still drawn, one per question)."""
    values = np.random.default_rng(3).random(4000)
    interval = nested_bootstrap([[x] for x in values], resamples=1500, confidence=0.95, seed=1)
    rng = np.random.default_rng(1)
    means = []
    for count in (1000, 500):
        picked = rng.integers(0, 4000, size=(count, 4000))
        rng.random((count, 4000, 1))
        means.extend(values[picked].mean(axis=1))
    assert (interval.low, interval.high) == pytest.approx(tuple(np.quantile(means, [0.025, 0.975])), rel=1e-12)


def test_nested_bootstrap_depends_on_its_seed_only() -> None:
    rng = np.random.default_rng(4)
    scores = [list(rng.random(3)) for _ in range(60)]
    first = nested_bootstrap(scores, resamples=400, confidence=0.95, seed=2)
    assert nested_bootstrap(scores, resamples=400, confidence=0.95, seed=2) == first
    assert nested_bootstrap(scores, resamples=400, confidence=0.95, seed=3) != first


def test_nested_bootstrap_refusal_message_is_whole() -> None:
    message = "nested_bootstrap needs at least one question, each with >= 1 finite score"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        nested_bootstrap([[0.5], []], resamples=10, confidence=0.95, seed=0)


# --- pairing --------------------------------------------------------------------------------------------------------


def test_exactly_five_missing_ids_are_all_named() -> None:
    with pytest.raises(DataError, match=r"5 only in b \('x0', 'x1', 'x2', 'x3', 'x4'\); fix"):
        pair_by_qid({}, {f"x{i}": 1.0 for i in range(5)})


def test_paired_scores_come_back_as_floats() -> None:
    """Integer and bool scores (an exact-match flag) are read as 0/1 floats: the declared FloatArray."""
    for x, y in (paired_arrays([1, 0], [True, False]), pair_by_qid({"q1": 1, "q2": 0}, {"q1": True, "q2": False})):
        assert x.dtype == np.float64 and y.dtype == np.float64
        assert x.tolist() == [1.0, 0.0] and y.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [([], [], "paired scores are empty; fix: score at least one question in both arms"),
     ([math.inf], [1.0], "paired scores contain NaN or infinity; fix: drop not-applicable items before comparing")],
)  # fmt: skip
def test_paired_refusal_messages_are_whole(a: list[float], b: list[float], message: str) -> None:
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        paired_arrays(a, b)


# --- compare --------------------------------------------------------------------------------------------------------


def _mde(diffs: list[float], alpha: float) -> float:
    """(z[1 - alpha/2] + z[0.8]) * sd / sqrt(n), sd with n - 1 in the denominator."""
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(0.8)
    return float(z * np.std(diffs, ddof=1) / math.sqrt(len(diffs)))


def test_compare_mde_uses_the_sample_sd_of_the_differences_and_alpha_from_confidence() -> None:
    a, b = [0.2, 0.5, 0.1, 0.9], [0.4, 0.4, 0.6, 1.0]  # diffs 0.2, -0.1, 0.5, 0.1
    result = compare(a, b, metric="f1", resamples=50, confidence=0.9, seed=0)
    assert result.mde == pytest.approx(_mde([0.2, -0.1, 0.5, 0.1], alpha=0.1), rel=1e-12)
    assert result.resamples == 50 and result.seed == 0


def test_compare_mde_exists_from_two_items() -> None:
    result = compare([0.0, 0.5], [1.0, 0.75], metric="f1", resamples=20, confidence=0.95, seed=0)
    assert result.mde == pytest.approx(_mde([1.0, 0.25], alpha=0.05), rel=1e-12)


def test_compare_is_binary_only_when_both_arms_are() -> None:
    result = compare([0.0, 1.0, 1.0, 0.0], [0.5, 1.0, 0.25, 1.0], metric="f1", resamples=20, confidence=0.95, seed=0)
    assert not result.binary and result.test == "wilcoxon"


# --- Cohen's kappa and the MDE's checks -----------------------------------------------------------------------------


def test_kappa_refusal_names_both_lengths() -> None:
    message = "cohens_kappa needs two equally long, non-empty sequences (got 2 and 1)"
    with pytest.raises(DataError, match=f"^{re.escape(message)}$"):
        cohens_kappa([True, False], [True])


def test_mde_of_a_single_item_is_the_formula() -> None:
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert minimum_detectable_effect(0.3, 1) == pytest.approx(z * 0.3, rel=1e-9)


@pytest.mark.parametrize(
    ("sd", "n", "message"),
    [(0.5, 0, "minimum_detectable_effect needs n >= 1 and sd_diff >= 0 (got n=0, sd_diff=0.5)"),
     (-0.1, 10, "minimum_detectable_effect needs n >= 1 and sd_diff >= 0 (got n=10, sd_diff=-0.1)")],
)  # fmt: skip
def test_mde_refuses_each_bad_design_alone(sd: float, n: int, message: str) -> None:
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        minimum_detectable_effect(sd, n)


@pytest.mark.parametrize(
    ("alpha", "power", "message"),
    [(0.0, 0.8, "alpha=0.0"), (1.0, 0.8, "alpha=1.0"), (1.5, 0.8, "alpha=1.5"), (0.05, 0.0, "power=0.0"),
     (0.05, 1.0, "power=1.0")],
)  # fmt: skip
def test_mde_refuses_alpha_and_power_outside_zero_one(alpha: float, power: float, message: str) -> None:
    with pytest.raises(ConfigError, match=f"^{re.escape(message)} must be between 0 and 1 \\(exclusive\\)$"):
        minimum_detectable_effect(0.5, 100, alpha=alpha, power=power)
