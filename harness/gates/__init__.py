"""Gates: promotion, quantisation regression and budgets, over stored per-question results."""

from harness.gates._budgets import budget_gate
from harness.gates._metric_names import GATE_METRICS, metric_key, unknown_metric
from harness.gates._outcome import GateOutcome, GateRefused
from harness.gates._promotion import FACTUALITY_METRIC, check_comparable, promotion_comparison, promotion_gate
from harness.gates._quantization import quantization_gate
from harness.gates._results import ResultSet

__all__ = [
    "FACTUALITY_METRIC",
    "GATE_METRICS",
    "GateOutcome",
    "GateRefused",
    "ResultSet",
    "budget_gate",
    "check_comparable",
    "metric_key",
    "promotion_comparison",
    "promotion_gate",
    "quantization_gate",
    "unknown_metric",
]
