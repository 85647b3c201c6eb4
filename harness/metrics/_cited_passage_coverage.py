"""``cited_passage_coverage``: how much of the cited passage the answer restates, lexically.

Coverage of one passage = the share of its distinct content words (longer than 3 characters, lowercased,
punctuation removed) that also occur in the answer. With several cited passages the best covered one
counts (max): an answer grounded in one passage is not penalised for also citing another.
"""

from __future__ import annotations

import re

from harness.config import ScoringConfig
from harness.metrics._citations import resolve_citations
from harness.metrics._text import answer_text
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["cited_passage_coverage", "content_words"]

_PUNCTUATION = re.compile(r"[^\w\s]")


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _PUNCTUATION.sub("", text.lower()).split() if len(w) > 3)


def _coverage(passage_text: str, answer: frozenset[str]) -> float:
    words = content_words(passage_text)
    return len(words & answer) / len(words) if words else 0.0


def cited_passage_coverage(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    """0.0 when an answerable question's answer cites nothing; None when unanswerable or nothing was shown."""
    if not ctx.question.answerable or not ctx.passages:
        return {"cited_passage_coverage": None}
    answer = content_words(answer_text(ctx.generation.text))
    cited = resolve_citations(ctx).passages
    return {"cited_passage_coverage": max((_coverage(p.chunk.text, answer) for p in cited), default=0.0)}
