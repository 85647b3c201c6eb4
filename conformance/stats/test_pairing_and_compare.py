"""Pairing by question id, the bootstrap interval, ``compare`` and ``holm_adjust``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from harness.errors import ConfigError, DataError
from harness.stats import Comparison, compare, holm, holm_adjust, pair_by_qid, paired_bootstrap


def test_pair_by_qid_aligns_both_arms() -> None:
    a, b = pair_by_qid({"q2": 0.0, "q1": 1.0}, {"q1": 0.5, "q2": 1.0})  # sorted qids: q1, q2
    assert a.tolist() == [1.0, 0.0] and b.tolist() == [0.5, 1.0]


def test_pair_by_qid_names_missing_ids() -> None:
    a = {f"q{i}": 1.0 for i in range(10)}
    b = {f"q{i}": 1.0 for i in range(3, 12)}
    with pytest.raises(DataError) as exc:
        pair_by_qid(a, b, labels=("base.jsonl", "rag.jsonl"))
    message = str(exc.value)
    assert "3 only in base.jsonl ('q0', 'q1', 'q2')" in message
    assert "2 only in rag.jsonl ('q10', 'q11')" in message
    many = {f"x{i}": 1.0 for i in range(9)}
    with pytest.raises(DataError, match=r"9 only in b \('x0', 'x1', 'x2', 'x3', 'x4' and 4 more\)"):
        pair_by_qid({}, many)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [([1.0], [1.0, 2.0], "equal length"), ([], [], "empty"), ([float("nan")], [1.0], "NaN")],
)
def test_paired_inputs_are_checked(a: list[float], b: list[float], message: str) -> None:
    with pytest.raises(DataError, match=message):
        paired_bootstrap(a, b, resamples=10, confidence=0.95, seed=0)


def test_bootstrap_is_the_percentile_interval_of_resampled_mean_differences() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.random(50), rng.random(50) + 0.1
    interval = paired_bootstrap(a, b, resamples=1000, confidence=0.9, seed=11)
    # The same draws, written the plain way.
    idx = np.random.default_rng(11).integers(0, 50, size=(1000, 50))
    means = (b - a)[idx].mean(axis=1)
    assert interval.estimate == pytest.approx(float(np.mean(b - a)))
    assert (interval.low, interval.high) == pytest.approx(tuple(np.quantile(means, [0.05, 0.95])))
    assert (interval.confidence, interval.resamples, interval.seed) == (0.9, 1000, 11)


def test_bootstrap_is_reproducible_and_seed_dependent() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.random(3000), rng.random(3000)
    first = paired_bootstrap(a, b, resamples=2000, confidence=0.95, seed=3)  # several blocks of draws
    assert paired_bootstrap(a, b, resamples=2000, confidence=0.95, seed=3) == first
    assert paired_bootstrap(a, b, resamples=2000, confidence=0.95, seed=4) != first
    sd = np.std(b - a, ddof=1) / np.sqrt(3000)
    assert first.high - first.low == pytest.approx(2 * 1.96 * sd, rel=0.1)


def test_bootstrap_checks_its_settings() -> None:
    with pytest.raises(ConfigError, match="resamples=0"):
        paired_bootstrap([1.0], [1.0], resamples=0, confidence=0.95, seed=0)
    with pytest.raises(ConfigError, match="confidence=1"):
        paired_bootstrap([1.0], [1.0], resamples=10, confidence=1.0, seed=0)


def test_compare_binary_uses_mcnemar() -> None:
    a = [1.0] * 50 + [0.0] * 50
    b = [1.0] * 60 + [0.0] * 40
    result = compare(a, b, metric="exact_match", resamples=500, confidence=0.95, seed=1)
    assert result.binary and result.test == "mcnemar"
    assert set(result.p_values) == {"mcnemar", "sign"}
    assert result.n == 100 and result.mean_a == 0.5 and result.mean_b == 0.6
    assert result.difference == pytest.approx(0.1)
    assert result.ci_low <= result.difference <= result.ci_high
    assert result.p_holm is None and result.mde is not None and result.mde > 0
    assert result.p_value == result.p_values["mcnemar"]


def test_compare_continuous_uses_wilcoxon_and_can_be_forced() -> None:
    rng = np.random.default_rng(2)
    a, b = rng.random(40), rng.random(40)
    assert compare(a, b, metric="f1", resamples=200, confidence=0.95, seed=0).test == "wilcoxon"
    forced = compare([0.0, 1.0], [1.0, 1.0], metric="x", binary=False, resamples=200, confidence=0.95, seed=0)
    assert forced.test == "wilcoxon" and forced.binary is False


def test_comparison_serialises_to_json() -> None:
    result = compare([0.0, 1.0, 1.0], [1.0, 1.0, 1.0], metric="em", resamples=100, confidence=0.9, seed=7)
    data = json.loads(json.dumps(result.to_dict()))
    assert list(data) == [
        "metric", "n", "mean_a", "mean_b", "difference", "ci_low", "ci_high", "confidence", "binary", "test",
        "p_values", "p_holm", "mde", "resamples", "seed", "clusters",
    ]  # fmt: skip
    assert data["seed"] == 7 and data["p_values"]["mcnemar"] == 1.0


def test_single_item_has_no_mde() -> None:
    assert compare([0.2], [0.4], metric="f1", resamples=100, confidence=0.95, seed=0).mde is None


def test_holm_adjust_corrects_a_family() -> None:
    rng = np.random.default_rng(3)
    family = [
        compare(rng.random(30), rng.random(30) + shift, metric=f"m{i}", resamples=100, confidence=0.95, seed=i)
        for i, shift in enumerate([0.0, 0.2, 0.4])
    ]  # fmt: skip
    adjusted = holm_adjust(family)
    assert all(isinstance(c, Comparison) for c in adjusted)
    assert [c.p_holm for c in adjusted] == list(holm([c.p_value for c in family]))
    assert [c.metric for c in adjusted] == ["m0", "m1", "m2"]
