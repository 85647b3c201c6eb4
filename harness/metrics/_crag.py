"""``crag``: the CRAG-style per-item score, +1 correct, 0 refused when an answer existed, -1 wrong.

An answerable question is answered correctly when the answer is not a refusal and its F1 reaches
``correct_f1`` (default 0.5); an unanswerable one when the answer refuses. Hallucinating costs more than
abstaining, so the mean rewards knowing what one does not know.
"""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._prediction import is_refusal, squad_prediction
from harness.metrics._squad_text import best_f1
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["CRAG_CORRECT_F1", "crag", "crag_outcome"]

CRAG_CORRECT_F1 = 0.5


def crag_outcome(*, answerable: bool, refused: bool, f1: float, correct_f1: float = CRAG_CORRECT_F1) -> float:
    if refused:
        return 0.0 if answerable else 1.0
    if not answerable:
        return -1.0
    return 1.0 if f1 >= correct_f1 else -1.0


def crag(ctx: ItemContext, cfg: ScoringConfig, *, correct_f1: float = CRAG_CORRECT_F1) -> MetricValues:
    """Use ``functools.partial(crag, correct_f1=...)`` for another correctness threshold."""
    f1 = best_f1(ctx.question.answers, squad_prediction(ctx, cfg))
    outcome = crag_outcome(
        answerable=ctx.question.answerable, refused=is_refusal(ctx, cfg), f1=f1, correct_f1=correct_f1
    )
    return {"crag": outcome}
