"""``keyword_coverage``: the share of the question's keywords that the answer contains."""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._prediction import squad_prediction
from harness.metrics._squad_text import normalize_answer
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["keyword_coverage"]


def keyword_coverage(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """Keywords and answer are SQuAD-normalised; a keyword counts when its words appear in a row.

    None when the question has no keywords. A refusal contains no keywords (it is scored as '').
    """
    keywords = {k for k in map(normalize_answer, ctx.question.keywords) if k}
    if not keywords:
        return {"keyword_coverage": None}
    answer = f" {normalize_answer(squad_prediction(ctx, cfg))} "
    found = sum(f" {k} " in answer for k in keywords)
    return {"keyword_coverage": found / len(keywords)}
