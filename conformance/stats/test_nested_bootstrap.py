"""The two-level bootstrap behind repeated judging: judge disagreement widens the interval, nothing else does."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import DataError
from harness.stats import nested_bootstrap

KW = {"resamples": 2000, "confidence": 0.95, "seed": 7}


def _width(scores: list[list[float]]) -> float:
    interval = nested_bootstrap(scores, **KW)
    return interval.high - interval.low


def test_identical_repeats_give_the_interval_of_single_scores() -> None:
    base = np.random.default_rng(0).random(200)
    single = nested_bootstrap([[x] for x in base], **KW)
    tripled = nested_bootstrap([[x, x, x] for x in base], **KW)
    assert tripled.estimate == pytest.approx(single.estimate)
    assert _width([[x, x, x] for x in base]) == pytest.approx(single.high - single.low, rel=0.1)


def test_judge_disagreement_widens_the_interval() -> None:
    """Same per-question means; in one run the three judges agree, in the other they do not."""
    rng = np.random.default_rng(1)
    disagreeing = [list(np.clip(x + rng.normal(0, 0.3, 3), 0, 1)) for x in rng.random(200)]
    agreeing = [[float(np.mean(row))] * 3 for row in disagreeing]
    assert _width(disagreeing) > 1.05 * _width(agreeing)


def test_estimate_is_the_mean_of_question_means_and_is_reproducible() -> None:
    scores = [[1.0, 0.0], [1.0], [0.5, 0.5, 0.5]]
    interval = nested_bootstrap(scores, **KW)
    assert interval.estimate == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    assert nested_bootstrap(scores, **KW) == interval


def test_interval_covers_the_truth_at_about_its_level() -> None:
    """200 simulated runs (40 questions x 3 noisy judgements): the 90% interval covers the true mean ~90%."""
    rng = np.random.default_rng(3)
    covered = 0
    for _ in range(200):
        truth = rng.random(40)
        scores = [list(t + rng.normal(0, 0.2, 3)) for t in truth]
        interval = nested_bootstrap(scores, resamples=400, confidence=0.9, seed=int(rng.integers(1 << 30)))
        covered += interval.low <= 0.5 <= interval.high
    assert 0.82 <= covered / 200 <= 0.97


@given(st.lists(st.lists(st.floats(0, 1), min_size=1, max_size=4), min_size=1, max_size=12))
def test_interval_stays_within_the_scores(scores: list[list[float]]) -> None:
    interval = nested_bootstrap(scores, resamples=200, confidence=0.95, seed=1)
    flat = [x for row in scores for x in row]
    assert min(flat) - 1e-9 <= interval.low <= interval.high <= max(flat) + 1e-9
    assert min(flat) - 1e-9 <= interval.estimate <= max(flat) + 1e-9


@pytest.mark.parametrize("scores", [[], [[]], [[0.5], [float("nan")]]])
def test_bad_input_is_refused(scores: list[list[float]]) -> None:
    with pytest.raises(DataError):
        nested_bootstrap(scores, **KW)
