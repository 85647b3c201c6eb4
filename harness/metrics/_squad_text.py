"""Answer normalisation, exact match and token F1 exactly as the official SQuAD 2.0 script defines them.

Kept operation for operation (including the float arithmetic of F1) so that ``harness score --format
squad2`` reproduces the script's numbers bit for bit.
"""

from __future__ import annotations

import collections
import re
import string
from collections.abc import Iterable

__all__ = ["best_exact", "best_f1", "compute_exact", "compute_f1", "get_tokens", "gold_answers", "normalize_answer"]

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(s: str) -> str:
    """Lower text and remove punctuation, articles and extra whitespace."""
    text = "".join(ch for ch in s.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def get_tokens(s: str) -> list[str]:
    return normalize_answer(s).split() if s else []


def compute_exact(a_gold: str, a_pred: str) -> float:
    return float(normalize_answer(a_gold) == normalize_answer(a_pred))


def compute_f1(a_gold: str, a_pred: str) -> float:
    gold_toks = get_tokens(a_gold)
    pred_toks = get_tokens(a_pred)
    if not gold_toks or not pred_toks:
        return float(gold_toks == pred_toks)  # a no-answer on either side scores 1 only if both are
    num_same = sum((collections.Counter(gold_toks) & collections.Counter(pred_toks)).values())
    if num_same == 0:
        return 0.0
    precision = 1.0 * num_same / len(pred_toks)
    recall = 1.0 * num_same / len(gold_toks)
    return (2 * precision * recall) / (precision + recall)


def gold_answers(answers: Iterable[str]) -> list[str]:
    """Answers that survive normalisation; ``['']`` (only an empty prediction is right) when none do."""
    return [a for a in answers if normalize_answer(a)] or [""]


def best_exact(answers: Iterable[str], prediction: str) -> float:
    return max(compute_exact(a, prediction) for a in gold_answers(answers))


def best_f1(answers: Iterable[str], prediction: str) -> float:
    return max(compute_f1(a, prediction) for a in gold_answers(answers))
