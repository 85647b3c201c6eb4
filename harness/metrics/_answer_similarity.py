"""``answer_similarity``: how close the answer's meaning is to the gold answer's, by sentence embeddings.

The cosine of the answer's and each gold answer's normalised embeddings (``scoring.similarity_model``, by default
the shipped MiniLM), best gold counting. It credits a right long-form answer worded unlike its reference, which
token F1 cannot. Computed only when ``scoring.semantic_similarity`` is on or ``scoring.correct_rule`` is
``similarity`` (None otherwise); None for unanswerable questions and refusals (there is no answer to compare).
"""

from __future__ import annotations

import functools
from typing import Any

from harness.config import ScoringConfig
from harness.metrics._prediction import squad_prediction
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["answer_similarity", "similarity"]


@functools.lru_cache(maxsize=2)
def _embedder(name: str) -> Any:
    from harness.retrieval import load_embedder

    return load_embedder(name)


# Scoring one item asks twice under correct_rule: similarity (this metric, and crag's correctness): embed once.
@functools.lru_cache(maxsize=1024)
def similarity(answer: str, golds: tuple[str, ...], model: str = "embedded") -> float:
    """Max cosine of ``answer`` against ``golds`` (vectors are unit length, so the dot product is the cosine)."""
    vectors = _embedder(model).encode([answer, *golds])
    return float(max(vectors[1:] @ vectors[0]))


def answer_similarity(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    if not cfg.computes_similarity:
        return {"answer_similarity": None}  # not computed: not applicable, left out of every summary
    answer = squad_prediction(ctx, cfg)
    golds = tuple(a for a in ctx.question.answers if a.strip())
    if not ctx.question.answerable or not answer or not golds:
        return {"answer_similarity": None}
    return {"answer_similarity": round(similarity(answer, golds, cfg.similarity_model), 6)}
