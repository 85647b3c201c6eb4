"""The promotion gate: better than the same-size RAG baseline, by enough, and grounded.

Δ factuality (token F1, in percentage points) must be >= the threshold with the CI's lower bound
above 0, AND mean citation grounding coverage must reach its threshold.
"""

from __future__ import annotations

from harness.config import GateConfig, ScoringConfig
from harness.gates._outcome import GateOutcome, GateRefused
from harness.gates._results import ResultSet, factuality_comparison

__all__ = ["FACTUALITY_METRIC", "check_comparable", "promotion_gate"]

FACTUALITY_METRIC = "f1"
COVERAGE_METRIC = "citation_coverage"


def check_comparable(a: ResultSet, b: ResultSet, *, allow_quantization_mismatch: bool = False) -> None:
    if a.size_group != b.size_group:
        raise GateRefused(
            f"refusing to compare {a.condition} (size group {a.size_group}) with {b.condition} "
            f"(size group {b.size_group}): comparisons are only valid inside one size group"
        )
    if a.quantization != b.quantization and not allow_quantization_mismatch:
        raise GateRefused(
            f"refusing to compare {a.condition} at {a.quantization} with {b.condition} at {b.quantization}: "
            "arms must run at the same quantisation level (set model.quantization to match)"
        )


def promotion_gate(candidate: ResultSet, baseline: ResultSet, gate: GateConfig, scoring: ScoringConfig) -> GateOutcome:
    check_comparable(candidate, baseline)
    cmp, excluded = factuality_comparison(baseline, candidate, FACTUALITY_METRIC, scoring)
    coverage = candidate.mean(COVERAGE_METRIC)
    p = cmp.p_values.get("wilcoxon", min(cmp.p_values.values()))
    delta_ok = cmp.difference >= gate.min_factuality_delta_pp and cmp.ci_low > 0
    coverage_ok = coverage is not None and coverage >= gate.min_citation_coverage
    head = (
        f"{candidate.condition} vs {baseline.condition}: Δ factuality {cmp.difference:+.1f} pp "
        f"({100 * cmp.confidence:.0f}% CI {cmp.ci_low:+.1f}..{cmp.ci_high:+.1f}, p={p:.2g}, n={cmp.n})"
    )
    parts = [head + (" ok" if delta_ok else _delta_reason(cmp.difference, cmp.ci_low, gate))]
    parts.append(_coverage_text(coverage, gate.min_citation_coverage))
    numbers = {
        "comparison": cmp.to_dict(),
        "citation_coverage": coverage,
        "excluded_errors": excluded,
        "thresholds": {"delta_pp": gate.min_factuality_delta_pp, "coverage": gate.min_citation_coverage},
    }
    return GateOutcome(gate="promotion", passed=delta_ok and coverage_ok, message="; ".join(parts), numbers=numbers)


def _delta_reason(delta: float, ci_low: float, gate: GateConfig) -> str:
    if delta < gate.min_factuality_delta_pp:
        return f" < +{gate.min_factuality_delta_pp:g} pp"
    return f" but CI lower bound {ci_low:+.1f} is not > 0"


def _coverage_text(coverage: float | None, threshold: float) -> str:
    if coverage is None:
        return f"citation coverage n/a (nothing cited on answerable questions) < {threshold:.2f}"
    verdict = ">=" if coverage >= threshold else "<"
    return f"mean citation coverage {coverage:.2f} {verdict} {threshold:.2f}"
