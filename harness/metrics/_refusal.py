"""``refusal``: whether the answer refuses, split by whether refusing was right.

Keys: ``refused`` (every item), ``answerable`` (the stratum flag that ``aggregate`` splits on),
``correct_abstention`` (unanswerable items only: refused) and ``over_refusal`` (answerable items
only: refused). Their means are abstention recall and the over-refusal rate.
"""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._prediction import is_refusal
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["refusal"]


def refusal(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    refused = float(is_refusal(ctx, cfg))
    answerable = ctx.question.answerable
    return {
        "refused": refused,
        "answerable": float(answerable),
        "correct_abstention": None if answerable else refused,
        "over_refusal": refused if answerable else None,
    }
