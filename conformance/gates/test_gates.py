"""Gates over per-question results scored by the real metrics."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conformance.gates.gate_arms import (
    always_refuse,
    noisy,
    oracle,
    oracle_citing_the_other_passage,
    oracle_uncited,
    run_arm,
)
from harness.config import load_matrix
from harness.gates import GateRefused, budget_gate, promotion_gate, quantization_gate

MATRIX = load_matrix(Path(__file__).resolve().parents[2] / "configs")
CAND = MATRIX.condition("hybrid_tiny")
BASE = MATRIX.condition("rag_baseline_tiny")


def test_oracle_scores_one_and_passes_promotion() -> None:
    cand = run_arm(CAND, oracle)
    assert cand.mean("exact_match") == 1.0
    assert cand.mean("f1") == 1.0
    assert cand.mean("correct_abstention") == 1.0
    outcome = promotion_gate(cand, run_arm(BASE, noisy(0.5, seed=1)), CAND.gate, CAND.scoring)
    assert outcome.passed, outcome.message
    assert outcome.numbers["citation_grounding"] == 1.0  # gold answers citing their passage


def test_oracle_passes_quantization_and_budget_gates() -> None:
    reference = run_arm(CAND, oracle, quantization="F16")
    level = run_arm(CAND, oracle, quantization="Q4_K_M")
    assert quantization_gate(reference, level, CAND.gate, CAND.scoring).passed
    gate = dataclasses.replace(CAND.gate, latency_p95_budget_s=1.0, memory_budget_mb=4096)
    assert budget_gate("hybrid_tiny", gate, latency_p95_s=0.1, peak_rss_mb=900).passed


def test_always_refuse_has_full_refusal_recall_and_fails_promotion() -> None:
    refuser = run_arm(CAND, always_refuse)
    assert refuser.mean("correct_abstention") == 1.0  # refusal recall on unanswerable questions
    assert refuser.mean("over_refusal") == 1.0
    outcome = promotion_gate(refuser, run_arm(BASE, noisy(0.5, seed=1)), CAND.gate, CAND.scoring)
    assert not outcome.passed


def test_failure_message_prints_the_numbers() -> None:
    outcome = promotion_gate(run_arm(CAND, noisy(0.52, 3)), run_arm(BASE, noisy(0.5, 4)), CAND.gate, CAND.scoring)
    assert not outcome.passed
    assert outcome.message.startswith("hybrid_tiny vs rag_baseline_tiny: Δ factuality ")
    for part in (" pp (95% CI ", ", p=", ", n=300)", "< +5 pp", "mean citation grounding"):
        assert part in outcome.message, outcome.message


@pytest.mark.parametrize(
    ("policy", "grounding"),
    [(oracle_citing_the_other_passage, 1 / 3), (oracle_uncited, 0.0)],  # "guards" alone is in the other passage
)
def test_citation_grounding_alone_fails_a_correct_candidate(policy: Any, grounding: float) -> None:
    """Right answers (Δ F1 +50 pp, significant), but not supported by what they cite: the citation criterion decides."""
    base = run_arm(BASE, noisy(0.5, seed=1))
    outcome = promotion_gate(run_arm(CAND, policy), base, CAND.gate, CAND.scoring)
    assert not outcome.passed and outcome.numbers["comparison"]["difference"] > 40
    assert outcome.numbers["holm"]["p_holm"] < CAND.gate.alpha and outcome.numbers["comparison"]["ci_low"] > 0
    assert outcome.numbers["citation_grounding"] == pytest.approx(grounding)
    assert f"mean citation grounding {grounding:.2f} < 0.35" in outcome.message
    assert promotion_gate(run_arm(CAND, oracle), base, CAND.gate, CAND.scoring).passed  # the same with its citation


def test_small_gain_with_wide_ci_is_not_promoted() -> None:
    # +5 pp or more in expectation is not enough when the CI's lower bound is not above 0
    outcome = promotion_gate(
        run_arm(CAND, noisy(0.6, 5), n=30), run_arm(BASE, noisy(0.5, 6), n=30), CAND.gate, CAND.scoring
    )
    assert not outcome.passed, outcome.message


def test_across_size_groups_is_refused() -> None:
    other = MATRIX.condition("rag_baseline_3b")
    with pytest.raises(GateRefused, match="size group"):
        promotion_gate(run_arm(CAND, oracle), run_arm(other, oracle), CAND.gate, CAND.scoring)


def test_arms_at_different_quantisation_are_refused() -> None:
    with pytest.raises(GateRefused, match="same quantisation level"):
        promotion_gate(run_arm(CAND, oracle, quantization="Q8_0"), run_arm(BASE, oracle), CAND.gate, CAND.scoring)


def test_quantization_regression_is_caught() -> None:
    outcome = quantization_gate(
        run_arm(CAND, oracle, quantization="F16"),
        run_arm(CAND, noisy(0.7, 7), quantization="Q4_K_M"),
        CAND.gate,
        CAND.scoring,
    )
    assert not outcome.passed
    assert "REGRESSION (the whole interval lies below the margin)" in outcome.message


def test_an_underpowered_level_is_not_called_a_regression() -> None:
    """Δ -1.7 pp inside the -3 pp margin, CI -5.0..+0.0 at n=60: it fails, as not shown, with what n could detect."""
    outcome = quantization_gate(
        run_arm(CAND, oracle, n=60, quantization="F16"), run_arm(CAND, noisy(0.95, 1), n=60, quantization="Q4_K_M"),
        CAND.gate, CAND.scoring,
    )  # fmt: skip
    assert not outcome.passed and "REGRESSION" not in outcome.message, outcome.message
    assert "non-inferiority NOT SHOWN (the estimate is inside the margin" in outcome.message
    assert "n too small; detectable at this n: ±" in outcome.message


@pytest.mark.parametrize(
    ("difference", "ci_low", "ci_high", "passed", "words"),
    [
        (-1.0, -2.9, 0.5, True, "non-inferior"),  # the lower bound alone decides: -2.9 > -3
        (-1.0, -3.1, 0.5, False, "NOT SHOWN (the estimate is inside"),  # same estimate, bound just below the margin
        (-4.0, -6.0, -2.0, False, "NOT SHOWN (the estimate lies below"),
        (-5.0, -6.0, -3.5, False, "REGRESSION"),
    ],
)
def test_the_quantisation_verdict_turns_on_the_ci_lower_bound(
    difference: float, ci_low: float, ci_high: float, passed: bool, words: str
) -> None:
    from harness.gates._quantization import _verdict

    verdict = _verdict(difference, ci_low, ci_high, 3.0, 4.7)
    assert (verdict == "non-inferior") is passed and words in verdict


def test_budget_failure_names_the_number_and_the_budget() -> None:
    gate = dataclasses.replace(CAND.gate, latency_p95_budget_s=0.5)
    outcome = budget_gate("hybrid_tiny", gate, latency_p95_s=2.25, peak_rss_mb=None)
    assert not outcome.passed
    assert "latency p95 2.25 s (budget 0.5 s)" in outcome.message


def test_holm_correction_across_the_runs_promotion_comparisons() -> None:
    cand, base = run_arm(CAND, oracle, n=40), run_arm(BASE, noisy(0.8, seed=2), n=40)
    alone = promotion_gate(cand, base, CAND.gate, CAND.scoring)
    assert alone.passed, alone.message
    p = alone.numbers["holm"]["p"]
    assert alone.numbers["holm"] == {"family_size": 1, "p": p, "p_holm": p} and "Holm" not in alone.message
    assert 3 * p < CAND.gate.alpha, "the arms must be strong enough to survive a small family"
    # Two clearly null comparisons beside it: Holm multiplies the smallest p by 3, still significant.
    beside_nulls = promotion_gate(cand, base, CAND.gate, CAND.scoring, family=[0.7, 0.9])
    assert beside_nulls.passed and beside_nulls.numbers["holm"]["p_holm"] == pytest.approx(3 * p)
    # The same arms as one of k + 1 equally strong comparisons: every Holm p is (k + 1) p >= alpha.
    k = math.ceil(CAND.gate.alpha / p)
    crowded = promotion_gate(cand, base, CAND.gate, CAND.scoring, family=[p] * k)
    assert not crowded.passed
    assert crowded.numbers["holm"]["p_holm"] == pytest.approx(min(1.0, (k + 1) * p))
    for part in (f"over {k + 1} comparisons", "Holm p=", "is not < alpha=0.05"):
        assert part in crowded.message, crowded.message


def test_quantization_gate_prints_size_and_speed_beside_the_reference() -> None:
    extras = {
        "level": {"file_bytes": 100 * 2**20, "tokens_per_s": 30.0},
        "reference": {"file_bytes": 270 * 2**20, "tokens_per_s": 20.5},
    }
    outcome = quantization_gate(
        run_arm(CAND, oracle, quantization="F16"), run_arm(CAND, oracle, quantization="Q4_K_M"), CAND.gate,
        CAND.scoring, extras=extras,
    )  # fmt: skip
    assert outcome.passed
    assert outcome.message.endswith("; file 100 MB (F16 270 MB), 30.0 tokens/s (F16 20.5)"), outcome.message
    assert outcome.numbers["level"] == extras["level"]


def test_questions_sharing_a_document_are_resampled_together() -> None:
    """Four questions per document: the gate says how many clusters it resampled, and its interval is wider than
    the one that pretends the questions are independent (cluster_by: none)."""

    def grouped(arm: Any) -> Any:
        records = tuple({**r, "gold_doc_ids": [f"doc{int(r['qid'][1:]) // 4}"]} for r in arm.records)
        return dataclasses.replace(arm, records=records)

    def per_document(p_correct: float, seed: int) -> Any:  # right or wrong on all four questions of a document
        def answer(question: Any, passages: Any) -> str:
            document = int(question.qid[1:]) // 4
            right = random.Random(seed * 10_000 + document).random() < p_correct
            return oracle(question, passages) if right else "Somebody else entirely [2]"

        return answer

    cand, base = grouped(run_arm(CAND, per_document(0.6, 11))), grouped(run_arm(BASE, per_document(0.5, 12)))
    clustered = promotion_gate(cand, base, CAND.gate, CAND.scoring)
    independent = promotion_gate(cand, base, CAND.gate, dataclasses.replace(CAND.scoring, cluster_by="none"))
    assert ", n=300 in 75 clusters)" in clustered.message, clustered.message
    assert ", n=300)" in independent.message
    c, i = clustered.numbers["comparison"], independent.numbers["comparison"]
    assert c["test"] == "wilcoxon_clusters" and i["test"] == "wilcoxon" and c["difference"] == i["difference"]
    assert c["ci_high"] - c["ci_low"] > i["ci_high"] - i["ci_low"]


def _arms(diffs_pp: list[float]) -> tuple[Any, Any]:
    """Baseline at F1 0.5 on every question; the candidate differs by ``diffs_pp`` (percentage points), each question
    its own document, every answer grounded in what it cites."""
    from harness.gates import ResultSet

    def records(shift: list[float]) -> tuple[dict[str, Any], ...]:
        return tuple({"qid": f"q{i:03d}", "f1": 0.5 + d / 100, "citation_grounding": 1.0, "gold_doc_ids": [f"d{i}"]}
                     for i, d in enumerate(shift))  # fmt: skip

    cand = ResultSet(condition="hybrid_tiny", size_group="tiny", quantization="Q4_1", records=records(diffs_pp))
    base = ResultSet(condition="rag_baseline_tiny", size_group="tiny", quantization="Q4_1",
                     records=records([0.0] * len(diffs_pp)))  # fmt: skip
    return cand, base


@pytest.mark.parametrize(("delta", "passed"), [(4.95, False), (5.05, True)])
def test_the_delta_threshold_alone_decides(delta: float, passed: bool) -> None:
    """Every question moves by the same amount: the CI is a point far above 0 and p is tiny; only Δ vs +5 pp varies."""
    rng = np.random.default_rng(0)
    diffs = list(delta + rng.normal(0, 0.01, 300))
    outcome = promotion_gate(*_arms(diffs), CAND.gate, CAND.scoring)
    numbers = outcome.numbers["comparison"]
    assert numbers["ci_low"] > 4 and outcome.numbers["holm"]["p_holm"] < 1e-10
    assert outcome.passed is passed, outcome.message


@pytest.mark.parametrize(("n", "passed"), [(30, False), (300, True)])
def test_the_ci_lower_bound_alone_decides(n: int, passed: bool) -> None:
    """9 in 10 questions +20 pp, 1 in 10 -100 pp: Δ +8 pp and Wilcoxon significant at both sizes (the losses are few,
    if large); at n=30 the bootstrap interval still reaches below 0, at n=300 it does not."""
    diffs = [20.0 if i % 10 else -100.0 for i in range(n)]
    outcome = promotion_gate(*_arms(diffs), CAND.gate, CAND.scoring)
    numbers = outcome.numbers["comparison"]
    assert numbers["difference"] == pytest.approx(8.0) and outcome.numbers["holm"]["p_holm"] < CAND.gate.alpha
    assert (numbers["ci_low"] > 0) is passed and outcome.passed is passed, outcome.message
    if not passed:
        assert "but CI lower bound" in outcome.message


def test_the_promotion_record_holds_every_number_the_decision_used() -> None:
    import re

    diffs = [20.0 if i % 10 else -100.0 for i in range(300)]
    outcome = promotion_gate(*_arms(diffs), CAND.gate, CAND.scoring, family=[0.5])
    numbers = outcome.numbers
    assert outcome.gate == "promotion" and numbers["excluded_errors"] == 0 and numbers["citation_grounding"] == 1.0
    assert numbers["thresholds"] == {"delta_pp": 5.0, "grounding": 0.35, "alpha": 0.05}
    holm = numbers["holm"]
    assert holm["family_size"] == 2 and holm["p_holm"] == pytest.approx(min(1.0, 2 * holm["p"]))
    cmp = numbers["comparison"]
    assert cmp["n"] == 300 and cmp["difference"] == pytest.approx(8.0) and cmp["clusters"] is None
    pattern = (
        r"^hybrid_tiny vs rag_baseline_tiny: Δ factuality \+8\.0 pp \(95% CI \+\d+\.\d\.\.\+\d+\.\d, p=\S+, "
        r"Holm p=\S+ over 2 comparisons, n=300\) ok; mean citation grounding 1\.00 >= 0\.35$"
    )
    assert re.match(pattern, outcome.message), outcome.message
    assert outcome.passed
