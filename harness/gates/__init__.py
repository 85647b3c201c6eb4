"""Gates: promotion, quantisation regression and budgets, over stored per-question results; and the run-to-run
diff (``diff_runs``), the same paired comparison between two stored runs of one condition."""

from harness.gates._budgets import budget_gate
from harness.gates._factuality import LABEL_METRIC, factuality_metric
from harness.gates._metric_names import GATE_METRICS, metric_key, unknown_metric
from harness.gates._outcome import GateOutcome, GateRefused
from harness.gates._promotion import (
    FACTUALITY_METRIC,
    check_comparable,
    cluster_note,
    promotion_comparison,
    promotion_gate,
)
from harness.gates._quantization import quantization_gate
from harness.gates._results import ResultSet
from harness.gates._run_diff import DIFF_METRICS, MetricChange, RunDiff, diff_runs, scoring_of

__all__ = [
    "DIFF_METRICS",
    "FACTUALITY_METRIC",
    "GATE_METRICS",
    "LABEL_METRIC",
    "GateOutcome",
    "GateRefused",
    "MetricChange",
    "ResultSet",
    "RunDiff",
    "budget_gate",
    "check_comparable",
    "cluster_note",
    "diff_runs",
    "factuality_metric",
    "metric_key",
    "promotion_comparison",
    "promotion_gate",
    "quantization_gate",
    "scoring_of",
    "unknown_metric",
]
