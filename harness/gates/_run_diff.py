"""Run against run: did this commit (or this quantisation) make a condition worse?

For each condition both runs hold, and each metric, the paired comparison the gates make (``factuality_comparison``:
run B minus run A in percentage points of the score, questions clustered by ``scoring.cluster_by``, the clustered
bootstrap interval and Wilcoxon test of ``harness.stats``) on the questions both runs scored. The primary p-values
of every comparison made are Holm-corrected as one family: a diff over six conditions and three metrics tests
eighteen hypotheses, and one would look like a regression by luck far more often than ``alpha`` says.

A change is a regression when both hold: its Holm-corrected p-value is below ``alpha`` (it is significant) and its
estimate lies below ``-margin_pp`` (it is worse, by more than the margin a user tolerates).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.config import ScoringConfig
from harness.errors import ConfigError
from harness.gates._results import ResultSet, factuality_comparison
from harness.results import ConditionEntry, StoredRun
from harness.stats import Comparison, holm_adjust

__all__ = ["DIFF_METRICS", "MetricChange", "RunDiff", "diff_runs", "scoring_of"]

DIFF_METRICS = ("f1", "exact_match", "citation_grounding")
# The scoring settings the comparison takes from the newer run's condition; the rest of ScoringConfig is about
# scoring answers, not comparing scores.
_STATS_SETTINGS = ("bootstrap_resamples", "confidence", "seed", "cluster_by")


@dataclass(frozen=True, kw_only=True)
class MetricChange:
    """One condition's metric in run B against run A; ``comparison.p_holm`` is corrected over the whole diff."""

    label: str
    metric: str
    comparison: Comparison
    regression: bool


@dataclass(frozen=True, kw_only=True)
class RunDiff:
    run_a: str
    run_b: str
    changes: tuple[MetricChange, ...]
    # A condition present in one run only, or a metric no question of it has in both runs: (label, why).
    not_compared: tuple[tuple[str, str], ...]
    margin_pp: float
    alpha: float

    @property
    def regressions(self) -> tuple[MetricChange, ...]:
        return tuple(c for c in self.changes if c.regression)


def diff_runs(
    a: StoredRun, b: StoredRun, *, metrics: Sequence[str] = DIFF_METRICS, margin_pp: float = 0.0, alpha: float = 0.05
) -> RunDiff:
    """Every condition of both runs, each of ``metrics``: B - A, flagged where it is a significant regression."""
    if margin_pp < 0:
        raise ConfigError(f"--margin={margin_pp:g} must be >= 0 (percentage points a regression must exceed)")
    if not 0 < alpha < 1:
        raise ConfigError(f"--alpha={alpha:g} must be between 0 and 1")
    labels_a, labels_b = [e.label for e in a.entries], {e.label for e in b.entries}
    skipped = [(label, f"only in {a.run_id}") for label in labels_a if label not in labels_b]
    skipped += [(e.label, f"only in {b.run_id}") for e in b.entries if e.label not in labels_a]
    found: list[tuple[str, str, Comparison]] = []
    for label in (x for x in labels_a if x in labels_b):
        old, new = a.entry(label), b.entry(label)
        assert old is not None and new is not None
        for metric in metrics:
            cmp = _compare(old, new, metric)
            if cmp is None:
                skipped.append((label, f"{metric}: no question scored in both runs"))
            else:
                found.append((label, metric, cmp))
    adjusted = holm_adjust([cmp for _, _, cmp in found]) if found else ()
    changes = tuple(
        MetricChange(label=label, metric=metric, comparison=cmp, regression=_regressed(cmp, margin_pp, alpha))
        for (label, metric, _), cmp in zip(found, adjusted, strict=True)
    )
    return RunDiff(run_a=a.run_id, run_b=b.run_id, changes=changes, not_compared=tuple(skipped),
                   margin_pp=margin_pp, alpha=alpha)  # fmt: skip


def _regressed(cmp: Comparison, margin_pp: float, alpha: float) -> bool:
    assert cmp.p_holm is not None
    return cmp.p_holm < alpha and cmp.difference < -margin_pp


def _compare(old: ConditionEntry, new: ConditionEntry, metric: str) -> Comparison | None:
    """The gates' paired comparison on the questions both runs scored on ``metric``; None when there are none."""
    arm_a, arm_b = ResultSet.from_entry(old), ResultSet.from_entry(new)
    both = arm_a.scores(metric).keys() & arm_b.scores(metric).keys()
    if not both:
        return None
    cmp, _ = factuality_comparison(_only(arm_a, both), _only(arm_b, both), metric, scoring_of(new.scoring))
    return cmp


def _only(arm: ResultSet, qids: set[str]) -> ResultSet:
    return dataclasses.replace(arm, records=tuple(r for r in arm.records if str(r["qid"]) in qids))


def scoring_of(block: Mapping[str, Any] | None) -> ScoringConfig:
    """The comparison settings a stored condition ran with (defaults where it recorded none)."""
    settings = {k: v for k, v in (block or {}).items() if k in _STATS_SETTINGS}
    return dataclasses.replace(ScoringConfig(), **settings)
