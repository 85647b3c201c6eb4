"""The gate thresholds the charts draw: taken from the run's own gate outcomes (what was actually applied), the
defaults of ``GateConfig`` where no gate of that kind ran."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Thresholds", "thresholds_of"]


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    delta_pp: float  # promotion: Δ factuality must reach it (pp)
    grounding: float  # promotion: the candidate's mean citation grounding must reach it
    margin_pp: float  # quantisation: the CI's lower bound must stay above −margin (pp)
    promotion_ran: bool
    quantization_ran: bool


def thresholds_of(gates: Mapping[str, Mapping[str, Any]]) -> Thresholds:
    from harness.config import GateConfig

    default = GateConfig()
    promotion = [g["numbers"]["thresholds"] for g in gates.values() if "thresholds" in (g.get("numbers") or {})]
    margins = [g["numbers"]["margin_pp"] for g in gates.values() if "margin_pp" in (g.get("numbers") or {})]
    first = promotion[0] if promotion else {}
    return Thresholds(
        delta_pp=float(first.get("delta_pp", default.min_factuality_delta_pp)),
        grounding=float(first.get("grounding", default.min_citation_grounding)),
        margin_pp=float(margins[0]) if margins else default.quantization_margin_pp,
        promotion_ran=bool(promotion),
        quantization_ran=bool(margins),
    )
