"""A condition's stored per-question results, as gates see them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.config import ScoringConfig
from harness.results import ConditionEntry

if TYPE_CHECKING:
    from harness.stats import Comparison

__all__ = ["ResultSet", "factuality_comparison", "paired_scores"]


@dataclass(frozen=True, kw_only=True)
class ResultSet:
    """Per-question records of one condition plus what identifies its arm."""

    condition: str
    size_group: str
    quantization: str
    records: tuple[Mapping[str, Any], ...]

    @classmethod
    def from_entry(cls, entry: ConditionEntry) -> ResultSet:
        """The arm a run stored (``harness.results.read_condition``) or just computed."""
        return cls(condition=entry.condition, size_group=entry.size_group, quantization=entry.quantization,
                   records=entry.records)  # fmt: skip

    def scores(self, metric: str) -> dict[str, float]:
        """qid -> value for scored items where the metric applies (errors and None excluded)."""
        out = {}
        for r in self.records:
            value = r.get(metric)
            if (not r.get("error") and isinstance(value, (int, float)) and not isinstance(value, bool)) or (
                isinstance(value, bool) and not r.get("error")
            ):
                out[str(r["qid"])] = float(value)
        return out

    def clusters(self, key: str) -> dict[str, str]:
        """qid -> cluster label. ``gold_doc``: questions sharing their gold documents form one cluster (a question
        with none is its own); ``none``: every question is its own cluster."""
        if key == "none":
            return {str(r["qid"]): str(r["qid"]) for r in self.records}
        return {str(r["qid"]): "|".join(sorted(r.get("gold_doc_ids") or [])) or f"qid:{r['qid']}" for r in self.records}

    def errored(self) -> set[str]:
        return {str(r["qid"]) for r in self.records if r.get("error")}

    def mean(self, metric: str) -> float | None:
        values = list(self.scores(metric).values())
        return sum(values) / len(values) if values else None


def paired_scores(a: ResultSet, b: ResultSet, metric: str) -> tuple[list[float], list[float], int]:
    """Aligned per-question scores of both arms, and how many questions were excluded.

    A question that errored in either arm is left out of both (an error is not a wrong answer);
    any other mismatch of question sets is refused by ``pair_by_qid``.
    """
    _, xa, xb, excluded = _paired(a, b, metric)
    return xa, xb, excluded


def _paired(a: ResultSet, b: ResultSet, metric: str) -> tuple[list[str], list[float], list[float], int]:
    """``paired_scores`` plus the qids in the order of the scores (``pair_by_qid`` orders by sorted qid)."""
    from harness.stats import pair_by_qid

    errored = a.errored() | b.errored()
    sa = {q: v for q, v in a.scores(metric).items() if q not in errored}
    sb = {q: v for q, v in b.scores(metric).items() if q not in errored}
    xa, xb = pair_by_qid(sa, sb, labels=(a.condition, b.condition))
    return sorted(sa), [float(x) for x in xa], [float(x) for x in xb], len(errored)


def factuality_comparison(a: ResultSet, b: ResultSet, metric: str, scoring: ScoringConfig) -> tuple[Comparison, int]:
    """Paired comparison of ``b`` against ``a`` in percentage points, and the errored-question count; questions
    are clustered by ``scoring.cluster_by`` (default: shared gold documents)."""
    from harness.stats import compare

    qids, xa, xb, excluded = _paired(a, b, metric)
    labels = a.clusters(scoring.cluster_by)
    cmp = compare(
        [100 * x for x in xa],
        [100 * x for x in xb],
        metric=metric,
        binary=False,
        clusters=[labels[q] for q in qids],
        resamples=scoring.bootstrap_resamples,
        confidence=scoring.confidence,
        seed=scoring.seed,
    )
    return cmp, excluded
