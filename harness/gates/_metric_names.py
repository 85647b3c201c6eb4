"""The names users type for the metrics gates decide on, and the one message for a metric nobody scored.

The gates speak of "factuality" and "grounding" (their messages say "Δ factuality"), while the per-question records
carry the metric keys (``f1``, ``citation_grounding``). A user who copies the word from a gate line into
``harness compare --metric`` or ``harness diff --metric`` means the metric the gate compared.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from harness.errors import DataError
from harness.gates._factuality import LABEL_METRIC
from harness.gates._promotion import FACTUALITY_METRIC, GROUNDING_METRIC

__all__ = ["GATE_METRICS", "metric_key", "unknown_metric"]

GATE_METRICS = MappingProxyType({"factuality": FACTUALITY_METRIC, "grounding": GROUNDING_METRIC})


def metric_key(name: str, records: Iterable[Mapping[str, Any]] = ()) -> str:
    """The record key a metric name means: a gate's word is its metric, any other name is itself. Given the
    records compared, "factuality" is label accuracy where every scored question is closed, as the gates decide
    (``factuality_metric`` under ``scoring.factuality_metric: auto``)."""
    if name == "factuality":
        scored = [r[LABEL_METRIC] for r in records if not r.get("error") and LABEL_METRIC in r]
        if scored and all(v is not None for v in scored):
            return LABEL_METRIC
    return GATE_METRICS.get(name, name)


def unknown_metric(name: str, available: Iterable[str], where: str) -> DataError:
    """One error for a metric ``where`` does not hold: did you mean ..., and every metric it does hold."""
    names = sorted(set(available))
    close = difflib.get_close_matches(name, [*names, *GATE_METRICS], n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    listed = ", ".join(names) if names else "none"
    return DataError(f"{where}: no question has metric {name!r}; {hint}available: {listed}")
