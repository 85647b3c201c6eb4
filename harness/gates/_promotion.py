"""The promotion gate: better than the same-size RAG baseline, by enough, and grounded.

Δ factuality (token F1, or label accuracy on closed questions: ``harness.gates._factuality``; in percentage
points) must be >= the threshold with the CI's lower bound above 0 and the paired test significant at ``alpha``
after Holm correction across the run's promotion comparisons, AND the candidate's mean citation grounding (the
share of each answer's content words that the passages it cites hold; ``harness.metrics._citation_grounding``)
must reach ``gate.min_citation_grounding``.

Why Holm: a run that gates several candidates against their baselines tests several hypotheses; without a
correction the chance that at least one candidate is promoted by luck grows with their number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from harness.config import GateConfig, ScoringConfig
from harness.gates._factuality import FACTUALITY_METRIC, factuality_metric
from harness.gates._outcome import GateOutcome, GateRefused
from harness.gates._results import ResultSet, factuality_comparison
from harness.stats import Comparison, holm

__all__ = ["FACTUALITY_METRIC", "check_comparable", "cluster_note", "promotion_comparison", "promotion_gate"]

GROUNDING_METRIC = "citation_grounding"


def check_comparable(a: ResultSet, b: ResultSet, *, allow_quantization_mismatch: bool = False) -> None:
    if a.size_group != b.size_group:
        raise GateRefused(
            f"refusing to compare {a.condition} (size group {a.size_group}) with {b.condition} "
            f"(size group {b.size_group}): comparisons are only valid inside one size group"
        )
    # The oracle has no weights, so no quantisation level to confound a comparison.
    oracle = "oracle" in (a.quantization, b.quantization)
    if a.quantization != b.quantization and not allow_quantization_mismatch and not oracle:
        raise GateRefused(
            f"refusing to compare {a.condition} at {a.quantization} with {b.condition} at {b.quantization}: "
            "arms must run at the same quantisation level (set model.quantization to match)"
        )


def promotion_comparison(candidate: ResultSet, baseline: ResultSet, scoring: ScoringConfig) -> tuple[Comparison, int]:
    """The gate's paired factuality comparison (candidate minus baseline, in pp) and the errored-question count."""
    check_comparable(candidate, baseline)
    return factuality_comparison(baseline, candidate, factuality_metric(scoring, baseline, candidate), scoring)


def promotion_gate(
    candidate: ResultSet,
    baseline: ResultSet,
    gate: GateConfig,
    scoring: ScoringConfig,
    *,
    family: Sequence[float] = (),
) -> GateOutcome:
    """``family``: the primary p-values of the run's other promotion comparisons, corrected together with
    this one (Holm). Empty: this is the run's only comparison, and Holm leaves its p-value unchanged."""
    cmp, excluded = promotion_comparison(candidate, baseline, scoring)
    p_holm = holm([cmp.p_value, *family])[0]
    cmp = dataclasses.replace(cmp, p_holm=p_holm)
    grounding = candidate.mean(GROUNDING_METRIC)
    big_enough = cmp.difference >= gate.min_factuality_delta_pp and cmp.ci_low > 0
    significant = p_holm < gate.alpha
    grounded = grounding is not None and grounding >= gate.min_citation_grounding
    m = len(family) + 1
    head = (
        f"{candidate.condition} vs {baseline.condition}: Δ factuality{_metric_note(cmp.metric)} "
        f"{cmp.difference:+.1f} pp "
        f"({100 * cmp.confidence:.0f}% CI {cmp.ci_low:+.1f}..{cmp.ci_high:+.1f}, p={cmp.p_value:.2g}"
        + (f", Holm p={p_holm:.2g} over {m} comparisons" if m > 1 else "")
        + f", n={cmp.n}{cluster_note(cmp.clusters)})"
    )
    reason = _delta_reason(cmp.difference, cmp.ci_low, gate) if not big_enough else ""
    if big_enough and not significant:
        reason = f" but {'Holm ' if m > 1 else ''}p={p_holm:.2g} is not < alpha={gate.alpha:g}"
    parts = [head + (reason or " ok"), _grounding_text(grounding, gate.min_citation_grounding)]
    numbers = {
        "comparison": cmp.to_dict(),
        "citation_grounding": grounding,
        "excluded_errors": excluded,
        "holm": {"family_size": m, "p": cmp.p_value, "p_holm": p_holm},
        "thresholds": {
            "delta_pp": gate.min_factuality_delta_pp,
            "grounding": gate.min_citation_grounding,
            "alpha": gate.alpha,
        },
    }
    passed = big_enough and significant and grounded
    return GateOutcome(gate="promotion", passed=passed, message="; ".join(parts), numbers=numbers)


def _metric_note(metric: str) -> str:
    """`` (label_accuracy)`` when the gate compared something other than token F1."""
    return "" if metric == FACTUALITY_METRIC else f" ({metric})"


def cluster_note(clusters: int | None) -> str:
    """`` in 57 clusters`` when questions were resampled and tested by cluster (shared gold documents)."""
    return f" in {clusters} clusters" if clusters is not None else ""


def _delta_reason(delta: float, ci_low: float, gate: GateConfig) -> str:
    if delta < gate.min_factuality_delta_pp:
        return f" < +{gate.min_factuality_delta_pp:g} pp"
    return f" but CI lower bound {ci_low:+.1f} is not > 0"


def _grounding_text(grounding: float | None, threshold: float) -> str:
    if grounding is None:
        return f"citation grounding n/a (no answer to an answerable question) < {threshold:.2f}"
    verdict = ">=" if grounding >= threshold else "<"
    return f"mean citation grounding {grounding:.2f} {verdict} {threshold:.2f}"
