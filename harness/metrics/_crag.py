"""``crag``: the CRAG-style per-item score, +1 correct, 0 refused when an answer existed, -1 wrong.

An answerable question is answered correctly when the answer is not a refusal and meets the data set's
correctness rule (``scoring.correct_rule``): token F1 >= ``scoring.correct_threshold`` (default 0.5, for short
extractive answers), or answer-gold embedding similarity >= it (``similarity``, for long-form gold answers, which
rarely reach F1 0.5 even when right); a closed question (one with ``labels``) when the answer names its gold label;
an unanswerable one when the answer refuses. Hallucinating costs more than
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


def crag(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    refused = is_refusal(ctx, cfg)
    if ctx.question.labels and not refused:
        from harness.metrics._label_accuracy import label_accuracy

        return {"crag": 1.0 if label_accuracy(ctx, cfg)["label_accuracy"] else -1.0}
    if cfg.correct_rule == "similarity" and ctx.question.answerable and not refused:
        from harness.metrics._answer_similarity import answer_similarity

        score = answer_similarity(ctx, cfg).get("answer_similarity")
        value = 0.0 if score is None else float(score)
    else:
        value = best_f1(ctx.question.answers, squad_prediction(ctx, cfg))
    outcome = crag_outcome(
        answerable=ctx.question.answerable, refused=refused, f1=value, correct_f1=cfg.correct_threshold
    )
    return {"crag": outcome}
