"""Summaries over many scored items: means over applicable items, counts and derived rates.

Items may be bare metric mappings or whole result records: only keys whose values are numbers (or
bools) are averaged; None means "not applicable" and is left out of that key's mean and count. A key
with no applicable item is left out of the summary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["LATENCY_PERCENTILES", "aggregate"]

Summary = dict[str, float | int | None]
LATENCY_PERCENTILES = (50, 95, 99)
_BREAKDOWN_KEYS = ("exact_match", "f1")


def aggregate(items: Sequence[Mapping[str, object]]) -> Summary:
    """``<key>`` (mean) and ``n_<key>`` for every numeric key, plus ``n_items`` and the derived keys:
    ``abstention_precision``, ``abstention_recall``, ``over_refusal_rate`` (from ``refused`` and
    ``answerable``), ``answerable_<m>`` / ``unanswerable_<m>`` for EM and F1 with ``answerable_total`` /
    ``unanswerable_total``, and ``latency_p50_s`` / ``latency_p95_s`` / ``latency_p99_s`` (linear interpolation).
    """
    summary: Summary = {"n_items": len(items)}
    for key, values in _numeric_columns(items).items():
        summary[key] = float(np.mean(values))
        summary[f"n_{key}"] = len(values)
    summary.update(_refusal_rates(items))
    summary.update(_breakdown(items))
    summary.update(_latency_percentiles(items))
    return summary


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None  # bool is an int: True -> 1.0


def _numeric_columns(items: Sequence[Mapping[str, object]]) -> dict[str, list[float]]:
    columns: dict[str, list[float]] = {}
    rejected: set[str] = set()
    for item in items:
        for key, value in item.items():
            if value is None or key in rejected:
                continue
            number = _number(value)
            if number is None:
                rejected.add(key)
                continue
            columns.setdefault(key, []).append(number)
    return {k: v for k, v in columns.items() if k not in rejected}


def _flag(item: Mapping[str, object], key: str) -> bool | None:
    number = _number(item.get(key))
    return None if number is None else bool(number)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _refusal_rates(items: Sequence[Mapping[str, object]]) -> Summary:
    pairs = [(_flag(i, "refused"), _flag(i, "answerable")) for i in items]
    known = [(r, a) for r, a in pairs if r is not None and a is not None]
    if not known:
        return {}
    right = sum(r and not a for r, a in known)
    return {
        "abstention_precision": _ratio(right, sum(r for r, _ in known)),
        "abstention_recall": _ratio(right, sum(not a for _, a in known)),
        "over_refusal_rate": _ratio(sum(r and a for r, a in known), sum(a for _, a in known)),
    }


def _column(items: Sequence[Mapping[str, object]], key: str) -> list[float]:
    return [v for i in items if (v := _number(i.get(key))) is not None]


def _breakdown(items: Sequence[Mapping[str, object]]) -> Summary:
    if all(_flag(i, "answerable") is None for i in items):
        return {}
    out: Summary = {}
    for stratum, wanted in (("answerable", True), ("unanswerable", False)):
        group = [i for i in items if _flag(i, "answerable") is wanted]
        out[f"{stratum}_total"] = len(group)
        for key in _BREAKDOWN_KEYS:
            values = _column(group, key)
            if values:
                out[f"{stratum}_{key}"] = float(np.mean(values))
    return out


def _latency_percentiles(items: Sequence[Mapping[str, object]]) -> Summary:
    values = _column(items, "latency_s")
    if not values:
        return {}
    points = np.percentile(values, LATENCY_PERCENTILES)
    return {f"latency_p{q}_s": float(p) for q, p in zip(LATENCY_PERCENTILES, points, strict=True)}
