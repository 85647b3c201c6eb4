"""Per-question result records: what was asked, shown, answered and scored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.backends import Generation
from harness.config import Condition, ScoringConfig
from harness.data import Question, gold_label
from harness.retrieval import Passage, hit_at_k, reciprocal_rank

__all__ = ["build_record"]


def build_record(
    cond: Condition,
    question: Question,
    passages: Sequence[Passage],
    generation: Generation,
    scoring: ScoringConfig,
) -> dict[str, Any]:
    """One JSON-ready row. Metrics sit at the top level so ``harness compare --metric`` reads them."""
    record: dict[str, Any] = {
        "qid": question.qid,
        "condition": cond.name,
        "task_type": question.task_type,
        "answerable": question.answerable,
        "question": question.question,
        "gold_answers": list(question.answers),
        "gold_doc_ids": list(question.gold_doc_ids),
        "passages": [_passage(p) for p in passages],
        "answer": generation.text,
        "latency_s": generation.latency_s,
        "prompt_tokens": generation.prompt_tokens,
        "completion_tokens": generation.completion_tokens,
        "finish_reason": generation.finish_reason,
        "error": generation.error,
        "thinking": generation.thinking,
        "thinking_tokens": generation.thinking_tokens,
    }
    if generation.error:
        return record  # an error is recorded with its cause, never scored as a wrong answer
    if generation.thinking_exhausted:
        # Its own outcome: no answer was given, so there is nothing to score right or wrong.
        record["outcome"] = "thinking_budget"
        return record
    record.update(_retrieval_metrics(question, passages, cond.retrieval.top_k))
    record.update(_answer_metrics(question, passages, generation, scoring))
    record.update(_labels(question, passages, generation, scoring))
    return record


def _passage(p: Passage) -> dict[str, Any]:
    return {"rank": p.rank, "chunk_id": p.chunk.chunk_id, "doc_id": p.doc_id, "score": round(p.score, 6)}


def _retrieval_metrics(question: Question, passages: Sequence[Passage], k: int) -> Mapping[str, float | None]:
    # A question with no gold document (unanswerable ones often have none) cannot be a retrieval hit or miss.
    if not passages or not question.gold_doc_ids:
        return {"hit_at_k": None, "mrr": None}
    gold = question.gold_doc_ids
    return {"hit_at_k": hit_at_k(passages, gold, k), "mrr": reciprocal_rank(passages, gold)}


def _labels(
    question: Question, passages: Sequence[Passage], generation: Generation, scoring: ScoringConfig
) -> Mapping[str, Any]:
    """A closed question's labels, its gold label and the label the answer named (read by the per-label table)."""
    if not question.labels:
        return {}
    from harness.metrics import ItemContext, predicted_label

    ctx = ItemContext(question=question, generation=generation, passages=tuple(passages))
    return {
        "labels": list(question.labels),
        "gold_label": gold_label(question),
        "predicted_label": predicted_label(ctx, scoring),
    }


def _answer_metrics(
    question: Question, passages: Sequence[Passage], generation: Generation, scoring: ScoringConfig
) -> Mapping[str, float | None]:
    from harness.metrics import ItemContext, score_item

    ctx = ItemContext(question=question, generation=generation, passages=tuple(passages))
    scores = score_item(ctx, scoring)
    scores.pop("answerable", None)  # the record keeps the question's boolean, not the metric's 1.0
    return scores
