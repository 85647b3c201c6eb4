"""The Wilson interval and Cohen's kappa against statsmodels, and the judge numbers built on them."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as sm_kappa
from statsmodels.stats.proportion import proportion_confint

from harness.config import load_matrix
from harness.errors import ConfigError, DataError
from harness.stats import cohens_kappa, wilson_interval


@pytest.mark.parametrize(("k", "n", "confidence"), [(0, 10, 0.95), (3, 10, 0.95), (10, 10, 0.9), (57, 300, 0.95)])
def test_wilson_matches_statsmodels(k: int, n: int, confidence: float) -> None:
    low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    interval = wilson_interval(k, n, confidence=confidence)
    assert (interval.low, interval.high) == pytest.approx((low, high), abs=1e-12)
    assert interval.estimate == k / n


def test_wilson_rejects_impossible_counts() -> None:
    with pytest.raises(ConfigError):
        wilson_interval(4, 3)


@pytest.mark.parametrize("seed", range(5))
def test_kappa_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.random(60) < 0.6
    b = np.where(rng.random(60) < 0.7, a, rng.random(60) < 0.5)
    table = np.array([[np.sum(a & b), np.sum(a & ~b)], [np.sum(~a & b), np.sum(~a & ~b)]])
    assert cohens_kappa(list(a), list(b)) == pytest.approx(sm_kappa(table).kappa, abs=1e-12)


def test_kappa_edge_cases() -> None:
    assert cohens_kappa([True, False], [True, False]) == 1.0
    assert cohens_kappa([True, True], [True, True]) is None  # no variation: agreement says nothing
    with pytest.raises(DataError):
        cohens_kappa([True], [])


def _record(passes: list[float], f1: float | None, answerable: bool = True) -> dict[str, object]:
    return {"judge_passes": passes, "judge_scores": [0.5] * len(passes), "judge_errors": 3 - len(passes),
            "f1": f1, "answerable": answerable}  # fmt: skip


def test_study_pass_rate_counts_invalid_apart_and_kappa_compares_with_f1() -> None:
    from harness.run._judging import judge_agreement, study_pass_rate

    cond = load_matrix("configs").condition("rag_baseline_tiny")
    records = [_record([1, 1, 0], 0.9), _record([0, 0, 1], 0.1), _record([1, 1, 1], 0.2), _record([], None)]
    rates = study_pass_rate(records, cond)
    assert rates["judge_invalid"] == 1 and rates["pass_rate_n"] == 3 and rates["pass_rate"] == pytest.approx(2 / 3)
    low, high = proportion_confint(2, 3, alpha=0.05, method="wilson")
    assert (rates["pass_rate_ci_low"], rates["pass_rate_ci_high"]) == pytest.approx((low, high))
    agreement = judge_agreement(records[:3], cond)
    # judge: pass, fail, pass; reference (F1 >= 0.5): pass, fail, fail -> kappa by hand: po 2/3, pe 4/9 -> 0.4
    assert agreement == {"judge_reference_kappa": pytest.approx(0.4), "judge_reference_n": 3}
