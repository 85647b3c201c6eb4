"""Optional latency and memory budgets per condition."""

from __future__ import annotations

from harness.config import GateConfig
from harness.gates._outcome import GateOutcome

__all__ = ["budget_gate"]


def budget_gate(
    condition: str, gate: GateConfig, *, latency_p95_s: float | None, peak_rss_mb: float | None
) -> GateOutcome:
    failures: list[str] = []
    notes: list[str] = []
    for label, value, budget, unit in (
        ("latency p95", latency_p95_s, gate.latency_p95_budget_s, "s"),
        ("peak RSS", peak_rss_mb, gate.memory_budget_mb, "MB"),
    ):
        if budget is None:
            continue
        text = f"{label} {value if value is not None else float('nan'):.2f} {unit} (budget {budget:g} {unit})"
        (notes if value is not None and value <= budget else failures).append(text)
    passed = not failures
    message = f"{condition}: " + ("; ".join(failures + notes) if failures or notes else "no budgets configured")
    return GateOutcome(
        gate="budget",
        passed=passed,
        message=message,
        numbers={"latency_p95_s": latency_p95_s, "peak_rss_mb": peak_rss_mb},
    )
