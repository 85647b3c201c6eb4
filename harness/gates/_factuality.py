"""Which per-question score the gates compare as "factuality": ``scoring.factuality_metric``.

``auto`` (the default) reads the arms' records: label accuracy when every scored question is closed (declares
``labels``), token F1 otherwise. A mixed data set keeps F1 under ``auto`` (its open questions need it); setting
``label_accuracy`` compares its closed questions only.
"""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.gates._results import ResultSet

__all__ = ["FACTUALITY_METRIC", "LABEL_METRIC", "factuality_metric"]

FACTUALITY_METRIC = "f1"
LABEL_METRIC = "label_accuracy"


def factuality_metric(scoring: ScoringConfig, *arms: ResultSet) -> str:
    """The metric a gate compares these arms on."""
    if scoring.factuality_metric != "auto":
        return scoring.factuality_metric
    # Only scored records carry the key (errors and exhausted thinking budgets do not); records stored before
    # closed answers existed lack it too, and keep F1.
    scored = [r[LABEL_METRIC] for arm in arms for r in arm.records if LABEL_METRIC in r]
    return LABEL_METRIC if scored and all(value is not None for value in scored) else FACTUALITY_METRIC
