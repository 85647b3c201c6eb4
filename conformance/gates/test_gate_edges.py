"""Gates on hand-built per-question results: every threshold met exactly, and the whole line a CI user reads.

Scores are binary fractions (0.5, 0.5625, 0.47 ...) whose differences in percentage points are exact, so a constant
difference gives a bootstrap interval that is exactly that point and a threshold can be hit on the nose. Expected
p-values come from scipy.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from scipy import stats

from harness.config import GateConfig, load_matrix
from harness.errors import DataError
from harness.gates import GateOutcome, GateRefused, ResultSet, budget_gate, promotion_gate
from harness.gates import quantization_gate as quant_gate
from harness.gates._quantization import _verdict
from harness.gates._results import factuality_comparison, paired_scores

MATRIX = load_matrix(Path(__file__).resolve().parents[2] / "configs")
GATE, SCORING = MATRIX.condition("hybrid_tiny").gate, MATRIX.condition("hybrid_tiny").scoring


def _arm(
    f1: Sequence[float],
    *,
    name: str = "hybrid_tiny",
    quantization: str = "Q4_1",
    grounding: float = 1.0,
    docs: Sequence[str] | None = None,
) -> ResultSet:
    """One record per score; question i cites what it says (``grounding``) and has gold document ``docs[i]``."""
    records = tuple(
        {"qid": f"q{i:03d}", "f1": x, "citation_grounding": grounding,
         "gold_doc_ids": [docs[i] if docs else f"d{i}"]}
        for i, x in enumerate(f1)
    )  # fmt: skip
    return ResultSet(condition=name, size_group="tiny", quantization=quantization, records=records)


def _base(f1: Sequence[float], **kw: Any) -> ResultSet:
    return _arm(f1, name="rag_baseline_tiny", **kw)


def _gate(**changes: Any) -> GateConfig:
    return dataclasses.replace(GATE, **changes)


# --- quantisation ---------------------------------------------------------------------------------------------------


def test_a_level_exactly_at_the_margin_is_not_shown_non_inferior() -> None:
    """Every question 3 pp worse: the interval is the point -3.0, on the margin, which it must lie above."""
    outcome = quant_gate(_arm([0.5] * 10, quantization="F16"), _arm([0.47] * 10, quantization="Q4_K_M"), GATE,
                         SCORING)  # fmt: skip
    assert not outcome.passed and outcome.gate == "quantization"
    assert outcome.message == (
        "hybrid_tiny@Q4_K_M vs F16: Δ factuality -3.0 pp (95% CI -3.0..-3.0, n=10) non-inferiority NOT SHOWN "
        "(the estimate lies below the margin; the interval crosses it) at margin -3 pp"
    )
    assert set(outcome.numbers) == {"comparison", "margin_pp", "excluded_errors"}
    assert outcome.numbers["margin_pp"] == 3.0 and outcome.numbers["excluded_errors"] == 0
    assert outcome.numbers["comparison"]["ci_low"] == -3.0


def test_a_clustered_level_says_how_many_clusters_it_resampled() -> None:
    docs = [f"doc{i // 2}" for i in range(8)]
    reference = _arm([0.5] * 8, quantization="F16", docs=docs)
    outcome = quant_gate(reference, _arm([0.4921875] * 8, quantization="Q8_0", docs=docs), GATE, SCORING)
    assert outcome.passed
    assert outcome.message == (
        "hybrid_tiny@Q8_0 vs F16: Δ factuality -0.8 pp (95% CI -0.8..-0.8, n=8 in 4 clusters) non-inferior "
        "at margin -3 pp"
    )


@pytest.mark.parametrize(
    ("extras", "suffix"),
    [
        ({}, ""),
        ({"level": {"file_bytes": 2**20}}, ""),  # nothing to set it beside
        ({"level": {}, "reference": {}}, ""),
        ({"level": {"file_bytes": 2**20, "tokens_per_s": 30.0}, "reference": {"tokens_per_s": 20.0}},
         "; 30.0 tokens/s (F16 20.0)"),
        ({"level": {"file_bytes": 2**20, "tokens_per_s": 30.0}, "reference": {"file_bytes": 3 * 2**20}},
         "; file 1 MB (F16 3 MB)"),
    ],
)  # fmt: skip
def test_size_and_speed_are_printed_only_when_both_sides_are_known(extras: dict[str, Any], suffix: str) -> None:
    outcome = quant_gate(_arm([0.5] * 6, quantization="F16"), _arm([0.5] * 6, quantization="Q4_K_M"), GATE, SCORING,
                         extras=extras)  # fmt: skip
    assert outcome.message.endswith(f"non-inferior at margin -3 pp{suffix}"), outcome.message


@pytest.mark.parametrize(
    ("difference", "ci_low", "ci_high", "mde", "verdict"),
    [
        (-1.0, -3.5, 1.0, None, "non-inferiority NOT SHOWN (the estimate is inside the margin but the interval "
                                "reaches below it: n too small)"),
        (-1.0, -3.5, 1.0, 4.75, "non-inferiority NOT SHOWN (the estimate is inside the margin but the interval "
                                "reaches below it: n too small; detectable at this n: ±4.8 pp)"),
        (-4.0, -5.0, -3.0, 1.0, "non-inferiority NOT SHOWN (the estimate lies below the margin; the interval "
                                "crosses it)"),  # the upper bound on the margin is not below it
        (-4.0, -5.0, -3.01, 1.0, "REGRESSION (the whole interval lies below the margin)"),
        (-3.0, -3.0, 0.0, 1.0, "non-inferiority NOT SHOWN (the estimate lies below the margin; the interval "
                               "crosses it)"),
    ],
)  # fmt: skip
def test_each_quantisation_verdict_in_full(
    difference: float, ci_low: float, ci_high: float, mde: float | None, verdict: str
) -> None:
    assert _verdict(difference, ci_low, ci_high, 3.0, mde) == verdict


# --- promotion ------------------------------------------------------------------------------------------------------


def _p(diffs: Sequence[float]) -> float:
    return float(stats.wilcoxon(diffs).pvalue)


def test_a_delta_exactly_at_the_threshold_with_a_small_positive_interval_is_promoted() -> None:
    """+0.78125 pp on every question against a threshold of exactly that: >= passes, and CI +0.8 > 0."""
    outcome = promotion_gate(_arm([0.5078125] * 10), _base([0.5] * 10), _gate(min_factuality_delta_pp=0.78125),
                             SCORING)  # fmt: skip
    p = _p([0.78125] * 10)
    assert outcome.passed, outcome.message
    assert outcome.message == (
        f"hybrid_tiny vs rag_baseline_tiny: Δ factuality +0.8 pp (95% CI +0.8..+0.8, p={p:.2g}, n=10) ok; "
        "mean citation grounding 1.00 >= 0.35"
    )


def test_a_ci_lower_bound_of_exactly_zero_is_not_above_zero() -> None:
    outcome = promotion_gate(_arm([0.5] * 10), _base([0.5] * 10), _gate(min_factuality_delta_pp=0.0), SCORING)
    assert not outcome.passed
    assert outcome.message == (
        "hybrid_tiny vs rag_baseline_tiny: Δ factuality +0.0 pp (95% CI +0.0..+0.0, p=1, n=10) "
        "but CI lower bound +0.0 is not > 0; mean citation grounding 1.00 >= 0.35"
    )


def test_a_delta_at_the_threshold_fails_on_its_interval_not_its_size() -> None:
    """Nine questions +25 pp, one -100 pp: Δ = +12.5 pp exactly, the threshold; the interval reaches below 0."""
    cand, base = _arm([0.75] * 9 + [0.0]), _base([0.5] * 9 + [1.0])
    outcome = promotion_gate(cand, base, _gate(min_factuality_delta_pp=12.5), SCORING)
    assert not outcome.passed
    pattern = (
        r"^hybrid_tiny vs rag_baseline_tiny: Δ factuality \+12\.5 pp \(95% CI -\d+\.\d\.\.\+\d+\.\d, p=\S+, n=10\) "
        r"but CI lower bound -\d+\.\d is not > 0; mean citation grounding 1\.00 >= 0\.35$"
    )
    assert re.match(pattern, outcome.message), outcome.message


def test_p_equal_to_alpha_is_not_significant() -> None:
    p = _p([6.25] * 10)
    outcome = promotion_gate(_arm([0.5625] * 10), _base([0.5] * 10), _gate(alpha=p), SCORING)
    assert not outcome.passed
    assert outcome.message == (
        f"hybrid_tiny vs rag_baseline_tiny: Δ factuality +6.2 pp (95% CI +6.2..+6.2, p={p:.2g}, n=10) "
        f"but p={p:.2g} is not < alpha={p:g}; mean citation grounding 1.00 >= 0.35"
    )


def test_a_holm_p_equal_to_alpha_is_not_significant_and_says_holm() -> None:
    """Beside one null comparison (p 0.9) Holm doubles the smallest p; alpha set to exactly that."""
    p = _p([6.25] * 10)
    outcome = promotion_gate(_arm([0.5625] * 10), _base([0.5] * 10), _gate(alpha=2 * p), SCORING, family=[0.9])
    assert not outcome.passed
    assert outcome.message == (
        f"hybrid_tiny vs rag_baseline_tiny: Δ factuality +6.2 pp (95% CI +6.2..+6.2, p={p:.2g}, "
        f"Holm p={2 * p:.2g} over 2 comparisons, n=10) but Holm p={2 * p:.2g} is not < alpha={2 * p:g}; "
        "mean citation grounding 1.00 >= 0.35"
    )
    assert outcome.numbers["comparison"]["p_holm"] == 2 * p and outcome.numbers["holm"]["p_holm"] == 2 * p


def test_grounding_exactly_at_its_threshold_is_enough() -> None:
    outcome = promotion_gate(_arm([0.5625] * 10, grounding=0.5), _base([0.5] * 10),
                             _gate(min_citation_grounding=0.5), SCORING)  # fmt: skip
    assert outcome.passed, outcome.message
    assert outcome.message.endswith(" ok; mean citation grounding 0.50 >= 0.50")


@pytest.mark.parametrize(("cand_q", "base_q"), [("Q4_1", "oracle"), ("oracle", "Q4_1")])
def test_the_oracle_arm_has_no_quantisation_to_match(cand_q: str, base_q: str) -> None:
    outcome = promotion_gate(_arm([0.5625] * 10, quantization=cand_q), _base([0.5] * 10, quantization=base_q), GATE,
                             SCORING)  # fmt: skip
    assert outcome.passed, outcome.message


def test_a_quantisation_mismatch_refusal_says_how_to_fix_it() -> None:
    message = (
        "refusing to compare hybrid_tiny at Q8_0 with rag_baseline_tiny at Q4_1: arms must run at the same "
        "quantisation level (set model.quantization to match)"
    )
    with pytest.raises(GateRefused, match=f"^{re.escape(message)}$"):
        promotion_gate(_arm([0.5], quantization="Q8_0"), _base([0.5]), GATE, SCORING)


# --- stored results as the gates see them ---------------------------------------------------------------------------


def test_an_errored_record_is_not_scored_whatever_it_holds() -> None:
    records = ({"qid": "q1", "f1": 0.5, "exact_match": True},
               {"qid": "q2", "error": "HTTP 500", "f1": 0.0, "exact_match": False})  # fmt: skip
    arm = ResultSet(condition="c", size_group="tiny", quantization="Q4_1", records=records)
    assert arm.scores("f1") == {"q1": 0.5} and arm.scores("exact_match") == {"q1": 1.0}


def test_cluster_labels_join_sorted_gold_documents_or_fall_back_to_the_question() -> None:
    records = ({"qid": "q1", "gold_doc_ids": ["d2", "d1"]}, {"qid": "q2", "gold_doc_ids": []}, {"qid": "q3"})
    arm = ResultSet(condition="c", size_group="tiny", quantization="Q4_1", records=records)
    assert arm.clusters("gold_doc") == {"q1": "d1|d2", "q2": "qid:q2", "q3": "qid:q3"}
    assert arm.clusters("none") == {"q1": "q1", "q2": "q2", "q3": "q3"}


def _with_error(arm: ResultSet, qid: str) -> ResultSet:
    records = tuple({**r, "error": "timeout"} if r["qid"] == qid else r for r in arm.records)
    return dataclasses.replace(arm, records=records)


def test_a_question_errored_in_either_arm_leaves_both() -> None:
    a = _with_error(_arm([0.25, 0.5, 0.75, 1.0]), "q001")
    b = _with_error(_base([0.0, 0.25, 0.5, 0.75]), "q002")
    assert paired_scores(a, b, "f1") == ([0.25, 1.0], [0.0, 0.75], 2)


def test_a_question_errored_in_one_arm_only_is_excluded_from_the_gate() -> None:
    cand = _with_error(_arm([0.5625] * 10), "q003")
    outcome = promotion_gate(cand, _base([0.5] * 10), GATE, SCORING)
    assert outcome.passed and outcome.numbers["excluded_errors"] == 1 and ", n=9)" in outcome.message


def test_arms_on_different_questions_are_named_by_condition() -> None:
    with pytest.raises(DataError, match=r"1 only in hybrid_tiny \('q001'\)"):
        paired_scores(_arm([0.5, 0.5]), _base([0.5]), "f1")


@pytest.mark.parametrize(("base", "cand"), [([0.0] * 12, [0.01, 0.0] * 6), ([0.0] * 12, [0.0] * 12)])
def test_factuality_is_compared_as_continuous_f1_with_the_scoring_seed(base: list[float], cand: list[float]) -> None:
    """Scores that happen to be 0 or 1 pp on every question (F1 0.00 or 0.01) are still token F1: Wilcoxon, not
    McNemar."""
    cmp, excluded = factuality_comparison(_base(base), _arm(cand), "f1", SCORING)
    assert (cmp.metric, cmp.binary, cmp.test, cmp.seed, excluded) == ("f1", False, "wilcoxon", SCORING.seed, 0)
    assert cmp.difference == pytest.approx(100 * (sum(cand) - sum(base)) / 12)


# --- budgets and the outcome record ---------------------------------------------------------------------------------


def test_an_unset_latency_budget_does_not_skip_the_memory_budget() -> None:
    outcome = budget_gate("c", _gate(latency_p95_budget_s=None, memory_budget_mb=1024), latency_p95_s=9.0,
                          peak_rss_mb=2048.0)  # fmt: skip
    assert not outcome.passed and outcome.message == "c: peak RSS 2048.00 MB (budget 1024 MB)"


def test_outcome_serialises_every_field() -> None:
    outcome = GateOutcome(gate="budget", passed=False, message="c: x", numbers={"a": 1})
    assert outcome.to_dict() == {"gate": "budget", "passed": False, "message": "c: x", "numbers": {"a": 1}}
