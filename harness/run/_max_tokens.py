"""``generation.max_tokens: auto``: the answer budget sized from the data set's gold answers.

A fixed 64 tokens suits SQuAD-like spans but cut off most long-form answers (57-67 % of them stopped at the cap).
``auto`` takes the 95th percentile of the gold answers' estimated token lengths, adds half again (a model's answer
runs longer than the reference) and room for a citation, and keeps it between 64 (the old default, so short-span
sets keep their budget and their answer journal) and half the context (the prompt needs the rest).

Token counts are estimated without the model's tokenizer (words and punctuation x 1.3, typical of English under
BPE vocabularies) so the budget is known before a model loads and is the same for every model on one data set.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.config import Condition
from harness.data import Question

__all__ = ["AutoMaxTokens", "auto_max_tokens", "estimate_tokens", "resolve_max_tokens"]

FLOOR = 64
PERCENTILE = 95
HEADROOM = 1.5
CITATION_ROOM = 16  # " [1, 2]." and a closing clause
TOKENS_PER_PIECE = 1.3
_PIECE = re.compile(r"\w+|[^\w\s]")


def estimate_tokens(text: str) -> int:
    """Words and punctuation marks, x 1.3 for the sub-word pieces a BPE vocabulary splits words into."""
    return math.ceil(len(_PIECE.findall(text)) * TOKENS_PER_PIECE)


@dataclass(frozen=True, kw_only=True)
class AutoMaxTokens:
    """The resolved budget and what it was computed from (recorded in the condition's result.json)."""

    max_tokens: int
    answers: int  # gold answers measured
    percentile_tokens: int  # their 95th-percentile estimated length
    floor: int
    ceiling: int

    def to_dict(self) -> dict[str, Any]:
        return {"source": "auto", "percentile": PERCENTILE, **dataclasses.asdict(self)}


def auto_max_tokens(questions: Sequence[Question], context_length: int) -> AutoMaxTokens:
    """ceil(p95 x 1.5) + 16, clamped to [64, context_length // 2], over every gold answer of every question."""
    lengths = [estimate_tokens(a) for q in questions for a in q.answers]
    p95 = int(np.percentile(lengths, PERCENTILE, method="higher")) if lengths else 0
    ceiling = context_length // 2
    wanted = math.ceil(p95 * HEADROOM) + CITATION_ROOM
    value = max(FLOOR, min(wanted, ceiling))
    return AutoMaxTokens(max_tokens=value, answers=len(lengths), percentile_tokens=p95, floor=FLOOR, ceiling=ceiling)


def resolve_max_tokens(cond: Condition, questions: Sequence[Question]) -> tuple[Condition, dict[str, Any]]:
    """``cond`` with a numeric ``generation.max_tokens``, and the record of how it was set."""
    if cond.generation.max_tokens != "auto":
        return cond, {"source": "config", "max_tokens": cond.generation.max_tokens}
    auto = auto_max_tokens(questions, cond.model.context_length)
    generation = dataclasses.replace(cond.generation, max_tokens=auto.max_tokens)
    return dataclasses.replace(cond, generation=generation), auto.to_dict()
