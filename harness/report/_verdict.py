"""A run's verdict: how every gate ended, and each condition's headline metrics with intervals.

Built from the stored run (``harness.results.read_run``), so the terminal block at the end of a run, ``harness
summary`` and the runs list all say what the files say. Intervals are the report's (``mean_interval``: the paired
bootstrap of ``harness.stats`` with the condition's own scoring settings); means are over scored questions, a failed
generation left out as the gates leave it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from harness.config import ScoringConfig
from harness.gates import FACTUALITY_METRIC, ResultSet
from harness.report._intervals import mean_interval
from harness.results import ConditionEntry, ConditionStatus, StoredRun

__all__ = ["HEADLINE_METRICS", "ConditionLine", "GateLine", "MetricEstimate", "Verdict", "gate_lines", "verdict_of"]

# What a reader looks at first: the gated factuality metric, exact match, and the gated citation grounding.
HEADLINE_METRICS = (FACTUALITY_METRIC, "exact_match", "citation_grounding")
Mark = Literal["PASS", "FAIL", "SKIP", "ERROR"]


@dataclass(frozen=True, kw_only=True)
class GateLine:
    """One gate's outcome, or a condition that never reached its gates (``gate="condition"``: skipped or failed)."""

    mark: Mark
    gate: str
    key: str
    message: str


@dataclass(frozen=True, kw_only=True)
class MetricEstimate:
    """A condition's mean of one metric over ``n`` scored questions; ``low``/``high``: its interval, when drawn."""

    metric: str
    mean: float
    n: int
    low: float | None = None
    high: float | None = None
    confidence: float | None = None


@dataclass(frozen=True, kw_only=True)
class ConditionLine:
    label: str
    n_questions: int
    n_errors: int
    metrics: tuple[MetricEstimate, ...]

    def metric(self, name: str) -> MetricEstimate | None:
        return next((m for m in self.metrics if m.metric == name), None)


@dataclass(frozen=True, kw_only=True)
class Verdict:
    run_id: str
    commit: str | None
    dirty: bool | None
    dataset: str | None
    gates: tuple[GateLine, ...]
    conditions: tuple[ConditionLine, ...]

    def count(self, *marks: Mark) -> int:
        return sum(line.mark in marks for line in self.gates)

    @property
    def status(self) -> str:
        """FAIL when a gate failed or a condition errored; PASS when a gate passed; else NO GATES (nothing checked)."""
        if self.count("FAIL", "ERROR"):
            return "FAIL"
        return "PASS" if self.count("PASS") else "NO GATES"


def verdict_of(run: StoredRun, *, intervals: bool = True) -> Verdict:
    """``intervals=False``: means only (the runs list, which reads many runs, needs no bootstrap)."""
    first = run.entries[0] if run.entries else None
    git = (first.provenance or {}).get("git", {}) if first else {}
    return Verdict(
        run_id=run.run_id,
        commit=git.get("commit"),
        dirty=git.get("dirty"),
        dataset=_dataset(first.dataset if first else None),
        gates=gate_lines(run.index.conditions, run.index.gates),
        conditions=tuple(_condition(e, intervals) for e in run.entries),
    )


def gate_lines(statuses: Mapping[str, ConditionStatus], gates: Mapping[str, Mapping[str, Any]]) -> tuple[GateLine, ...]:
    """Conditions that never reached their gates (skipped, errored), then every gate's outcome, in run order."""
    return (*_condition_lines(statuses), *_gate_lines(gates))


def _dataset(block: Mapping[str, Any] | None) -> str | None:
    if not block:
        return None
    digest = str(block.get("content_hash") or "")[:12]
    return f"{block.get('tag')}" + (f" ({digest})" if digest else "")


def _condition_lines(statuses: Mapping[str, ConditionStatus]) -> list[GateLine]:
    lines = []
    for label, s in statuses.items():
        if s.status == "skipped":
            why = f"{s.reason}; to run it: {s.remedy}" if s.remedy else str(s.reason)
            lines.append(GateLine(mark="SKIP", gate="condition", key=label, message=f"{label}: {why}"))
        elif s.status == "error":
            lines.append(GateLine(mark="ERROR", gate="condition", key=label, message=f"{label}: {s.error}"))
    return lines


def _gate_lines(gates: Mapping[str, Mapping[str, Any]]) -> list[GateLine]:
    return [
        GateLine(mark="PASS" if g["passed"] else "FAIL", gate=str(g["gate"]), key=key, message=str(g["message"]))
        for key, g in gates.items()
    ]


def _condition(entry: ConditionEntry, intervals: bool) -> ConditionLine:
    arm = ResultSet.from_entry(entry)
    estimates = []
    for metric in HEADLINE_METRICS:
        values = list(arm.scores(metric).values())
        if not values:
            continue
        ci = mean_interval(values, entry.scoring) if intervals else None
        mean = sum(values) / len(values)
        low, high = (ci[1], ci[2]) if ci else (None, None)
        confidence = float((entry.scoring or {}).get("confidence", ScoringConfig().confidence)) if ci else None
        estimates.append(MetricEstimate(metric=metric, mean=mean, n=len(values), low=low, high=high,
                                        confidence=confidence))  # fmt: skip
    return ConditionLine(label=entry.label, n_questions=len(entry.records), n_errors=len(arm.errored()),
                         metrics=tuple(estimates))  # fmt: skip
