"""The six-condition cross-size table: base, RAG, FT, FT+RAG pass rates per size group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.results import ConditionEntry

__all__ = ["PASS_METRIC", "cross_size_rows", "cross_size_table"]

# A question passes when it is answered correctly or correctly refused (CRAG score +1).
PASS_METRIC = "crag"
_ROLES = (("base", "Base"), ("rag", "RAG"), ("ft", "FT"), ("ft_rag", "FT+RAG"))


def _pass_rate(records: Sequence[Mapping[str, Any]]) -> float | None:
    scored = [r for r in records if not r.get("error") and r.get(PASS_METRIC) is not None]
    return sum(1 for r in scored if r[PASS_METRIC] >= 1) / len(scored) if scored else None


def cross_size_rows(entries: Sequence[ConditionEntry]) -> dict[str, dict[str, float | None]]:
    """size group -> {base, rag, ft, ft_rag pass rates, rag_benefit_x, ft_benefit_pp, synergy_pp}."""
    table: dict[str, dict[str, float | None]] = {}
    for e in entries:
        if "@" in e.label:
            continue  # quantisation variants are not separate arms
        row = table.setdefault(e.size_group, {role: None for role, _ in _ROLES})
        row[e.role] = _pass_rate(e.records)
    for row in table.values():
        base, rag, ft, ft_rag = (row.get(r) for r, _ in _ROLES)
        row["rag_benefit_x"] = rag / base if rag is not None and base else None
        row["ft_benefit_pp"] = 100 * (ft_rag - rag) if ft_rag is not None and rag is not None else None
        both = None not in (base, rag, ft, ft_rag)
        row["synergy_pp"] = 100 * ((ft_rag - rag) - (ft - base)) if both else None  # type: ignore[operator]
    return table


def cross_size_table(entries: Sequence[ConditionEntry], order: Sequence[str]) -> str:
    rows = cross_size_rows(entries)
    groups = [g for g in order if g in rows]
    if len(groups) < 2:
        return ""  # a cross-size table needs at least two sizes with results
    lines = ["| Metric | " + " | ".join(groups) + " |", "|---" * (len(groups) + 1) + "|"]
    for key, label in _ROLES:
        lines.append(f"| {label} pass rate | " + " | ".join(_pct(rows[g][key]) for g in groups) + " |")
    lines.append("| RAG benefit | " + " | ".join(_times(rows[g]["rag_benefit_x"]) for g in groups) + " |")
    lines.append("| FT benefit (FT+RAG − RAG) | " + " | ".join(_pp(rows[g]["ft_benefit_pp"]) for g in groups) + " |")
    lines.append("| FT+RAG synergy | " + " | ".join(_pp(rows[g]["synergy_pp"]) for g in groups) + " |")
    return "\n".join(lines)


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def _times(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f}x"


def _pp(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.1f} pp"
