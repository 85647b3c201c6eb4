"""The metric registry and ``score_item``, which runs registered metrics on one item."""

from __future__ import annotations

from collections.abc import Sequence

from harness.config import ScoringConfig
from harness.errors import ConfigError, HarnessError
from harness.metrics._types import ItemContext, MetricValues
from harness.registry import Registry

__all__ = ["METRICS", "GenerationFailed", "score_item"]

METRICS: Registry[MetricValues] = Registry("metric", entry_point_group="harness.metrics")

for _name in (
    "exact_match", "f1", "keyword_coverage",
    "citation_precision", "citation_recall", "source_hit", "cited_source_hit", "cited_passage_coverage",
    "citation_grounding", "answer_similarity", "label_accuracy",
    "citation_count", "refusal", "crag", "substantive", "truncated", "empty", "think_leak",
):  # fmt: skip
    METRICS.register(_name, f"harness.metrics._{_name}:{_name}")
METRICS.register("latency_s", "harness.metrics._latency:latency_s")
METRICS.register("tokens_per_s", "harness.metrics._throughput:tokens_per_s")


class GenerationFailed(HarnessError):
    """The item's generation carries a backend error: record it as an error, never score it."""

    def __init__(self, qid: str, error: str) -> None:
        super().__init__(f"qid={qid!r} was not scored: its generation failed ({error})")
        self.qid = qid
        self.error = error


def score_item(ctx: ItemContext, cfg: ScoringConfig, names: Sequence[str] | None = None) -> dict[str, float | None]:
    """All registered metrics (or ``names``) on one item, merged into one key -> value dict.

    Raises ``GenerationFailed`` when ``ctx.generation.error`` is set: a failed request is an error, not
    a wrong answer, so the caller records it as such.
    """
    if ctx.generation.error:
        raise GenerationFailed(ctx.generation.qid, ctx.generation.error)
    scores: dict[str, float | None] = {}
    for name in METRICS.names() if names is None else names:
        for key, value in METRICS.get(name)(ctx, cfg).items():
            if key in scores:
                raise ConfigError(f"metric {name!r} writes key {key!r} that another metric already wrote")
            scores[key] = value
    return scores
