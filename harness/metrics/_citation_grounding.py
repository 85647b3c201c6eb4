"""``citation_grounding``: how much of the answer the passages it cites support. The gated citation criterion.

Grounding = the share of the answer's content words found in the passages it cites (their union). Words are
lowercased runs of letters and digits (any other character separates words, so "Rollo's", "Adriatic—fell" and
"US$1,000,000" split where a reader would; SQuAD's normalisation would glue them), articles and common function
words are dropped, so "It was
founded by John Calvin [1]" is judged on founded / john / calvin. An answer that is, as a whole, a span of a cited
passage is fully grounded whatever its words are (the extractive gold-span case: "1559", "O2", "in 1559"), so a
correct short answer citing the right passage scores 1.0, and one citing a passage that does not hold it scores
what that passage supports of it. The passage-side measure of the scaling study is ``cited_passage_coverage``.

0.0 when an answerable question's answer cites nothing shown; None when the question is unanswerable, nothing was
shown, or the answer has no words to ground (an empty answer claims nothing).
"""

from __future__ import annotations

import re

from harness.config import ScoringConfig
from harness.metrics._citations import resolve_citations
from harness.metrics._text import answer_text
from harness.metrics._types import ItemContext, MetricValues

__all__ = ["FUNCTION_WORDS", "citation_grounding", "grounding"]

# Words that carry no claim of their own (articles are already gone after SQuAD normalisation).
FUNCTION_WORDS = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "to",
        "with",
        "as",
        "and",
        "or",
        "but",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "then",
        "also",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "he",
        "she",
        "they",
        "them",
        "his",
        "her",
        "their",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "shall",
        "should",
    }
)


_SEPARATOR = re.compile(r"[\W_]+", re.UNICODE)
_ARTICLES = frozenset({"a", "an", "the"})


def normalize_answer(text: str) -> str:
    """Lowercase words of letters and digits, without articles, single-spaced."""
    return " ".join(w for w in _SEPARATOR.sub(" ", text.lower()).split() if w not in _ARTICLES)


def grounding(answer: str, passages: list[str]) -> float | None:
    """Share of ``answer``'s content words in ``passages``; 1.0 when the answer is a span of one of them."""
    normalized = normalize_answer(answer)
    if not normalized:
        return None
    texts = [normalize_answer(p) for p in passages]
    if any(f" {normalized} " in f" {t} " for t in texts):
        return 1.0
    words = [w for w in normalized.split() if w not in FUNCTION_WORDS] or normalized.split()
    supported = {w for t in texts for w in t.split()}
    return sum(w in supported for w in words) / len(words)


def citation_grounding(ctx: ItemContext, cfg: ScoringConfig) -> MetricValues:
    if not ctx.question.answerable or not ctx.passages:
        return {"citation_grounding": None}
    cited = resolve_citations(ctx).passages
    answer = answer_text(ctx.generation.text)
    if not cited:
        return {"citation_grounding": 0.0 if normalize_answer(answer) else None}
    return {"citation_grounding": grounding(answer, [p.chunk.text for p in cited])}
