"""What one condition (or one quantisation variant of it) produced in a run, as the report and gates read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ConditionEntry"]

# Context blocks a run records beside the summary; each is a JSON object (or absent).
CONTEXT_KEYS = ("model", "dataset", "splits", "timings_s")


@dataclass(frozen=True, kw_only=True)
class ConditionEntry:
    """``label`` names the run's folder for it: the condition's name, or ``name@Q8_0`` for a quantisation variant."""

    label: str
    condition: str
    size_group: str
    role: str
    quantization: str
    summary: Mapping[str, Any]
    records: tuple[Mapping[str, Any], ...]
    model: Mapping[str, Any] | None = None
    dataset: Mapping[str, Any] | None = None
    splits: Mapping[str, Any] | None = None
    timings_s: Mapping[str, Any] | None = None
    # The condition's scoring settings (bootstrap resamples, confidence, seed), for intervals drawn from the entry.
    scoring: Mapping[str, Any] | None = None
    # The study arm (``harness.config.STUDY_ARMS``, or ``oracle``) and the condition's stated hypothesis.
    arm: str = ""
    hypothesis: str = ""
    # What produced the stored file (git commit + dirty flag, packages, hardware); None for an entry not yet written.
    provenance: Mapping[str, Any] | None = None
    # What the report's explorer and loss plot read beside the records: the retrieval index that supplied the passages
    # (its ``entry`` folder holds their text) and the adaptation (its ``artifact_dir`` holds the loss curve). Not
    # repeated in results.json: they stay in the condition's own result.json.
    retrieval: Mapping[str, Any] | None = None
    adaptation: Mapping[str, Any] | None = None

    @classmethod
    def from_result_json(
        cls, label: str, body: Mapping[str, Any], records: tuple[Mapping[str, Any], ...]
    ) -> ConditionEntry:
        cond = body["condition"]
        return cls(
            label=label,
            condition=cond["name"],
            size_group=cond["size_group"],
            role=cond["role"],
            quantization=cond["model"]["quantization"],
            summary=body["summary"],
            records=records,
            **{key: body.get(key) for key in CONTEXT_KEYS},
            scoring=cond.get("scoring"),
            arm=_arm(cond),
            hypothesis=str(cond.get("hypothesis") or ""),
            provenance=body.get("provenance"),
            retrieval=body.get("retrieval"),
            adaptation=body.get("adaptation"),
        )

    def index_json(self) -> dict[str, Any]:
        """The entry as the run report's results.json lists it: everything but the records, which stay in their file."""
        head = {"condition": self.condition, "size_group": self.size_group, "role": self.role}
        context = {key: getattr(self, key) for key in CONTEXT_KEYS}
        return (
            head
            | {"quantization": self.quantization, "summary": self.summary}
            | context
            | {"results": f"{self.label}/results.jsonl"}
        )


def _arm(cond: Mapping[str, Any]) -> str:
    from harness.config import study_arm

    adaptation = cond.get("adaptation") or {}
    recipe = adaptation.get("recipe") if adaptation.get("method", "none") != "none" else None
    return study_arm(cond["role"], recipe, (cond.get("model") or {}).get("provider", ""))
