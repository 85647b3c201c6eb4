"""Quantisation regression: each level non-inferior to F16 on factuality, within a margin."""

from __future__ import annotations

from collections.abc import Mapping

from harness.config import GateConfig, ScoringConfig
from harness.gates._factuality import factuality_metric
from harness.gates._outcome import GateOutcome
from harness.gates._promotion import check_comparable, cluster_note
from harness.gates._results import ResultSet, factuality_comparison

__all__ = ["quantization_gate"]


def quantization_gate(
    reference: ResultSet,
    level: ResultSet,
    gate: GateConfig,
    scoring: ScoringConfig,
    *,
    extras: Mapping[str, object] | None = None,
) -> GateOutcome:
    """Paired non-inferiority: the CI lower bound of (level - reference) must exceed -margin.

    ``extras`` may hold ``level`` and ``reference`` mappings with ``file_bytes`` and ``tokens_per_s``: they are
    recorded and printed side by side (what the level saves against what it costs)."""
    # Levels differ in quantisation by design; they must still be the same size group.
    check_comparable(reference, level, allow_quantization_mismatch=True)
    cmp, excluded = factuality_comparison(reference, level, factuality_metric(scoring, reference, level), scoring)
    margin = gate.quantization_margin_pp
    passed = cmp.ci_low > -margin
    verdict = _verdict(cmp.difference, cmp.ci_low, cmp.ci_high, margin, cmp.mde)
    message = (
        f"{level.condition}@{level.quantization} vs {reference.quantization}: Δ factuality {cmp.difference:+.1f} pp "
        f"({100 * cmp.confidence:.0f}% CI {cmp.ci_low:+.1f}..{cmp.ci_high:+.1f}, "
        f"n={cmp.n}{cluster_note(cmp.clusters)}) {verdict} "
        f"at margin -{margin:g} pp"
    ) + _side_by_side(extras or {}, reference.quantization)
    return GateOutcome(
        gate="quantization",
        passed=passed,
        message=message,
        numbers={"comparison": cmp.to_dict(), "margin_pp": margin, "excluded_errors": excluded, **(extras or {})},
    )


def _verdict(difference: float, ci_low: float, ci_high: float, margin: float, mde: float | None) -> str:
    """Four findings; all but the first fail the gate, for reasons a reader must be able to tell apart."""
    if ci_low > -margin:
        return "non-inferior"
    if ci_high < -margin:
        return "REGRESSION (the whole interval lies below the margin)"
    if difference <= -margin:
        return "non-inferiority NOT SHOWN (the estimate lies below the margin; the interval crosses it)"
    detectable = f"; detectable at this n: ±{mde:.1f} pp" if mde is not None else ""
    return (
        "non-inferiority NOT SHOWN (the estimate is inside the margin but the interval reaches below it: "
        f"n too small{detectable})"
    )


def _side_by_side(extras: Mapping[str, object], reference: str) -> str:
    """``; file 139 MB (F16 271 MB), 26.3 tokens/s (F16 24.2)`` from whatever of it is known."""
    mine, ref = extras.get("level"), extras.get("reference")
    if not isinstance(mine, Mapping) or not isinstance(ref, Mapping):
        return ""
    parts = []
    if isinstance(mine.get("file_bytes"), int) and isinstance(ref.get("file_bytes"), int):
        parts.append(f"file {mine['file_bytes'] / 2**20:.0f} MB ({reference} {ref['file_bytes'] / 2**20:.0f} MB)")
    if isinstance(mine.get("tokens_per_s"), float) and isinstance(ref.get("tokens_per_s"), float):
        parts.append(f"{mine['tokens_per_s']:.1f} tokens/s ({reference} {ref['tokens_per_s']:.1f})")
    return "; " + ", ".join(parts) if parts else ""
