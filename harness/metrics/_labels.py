"""A closed question's answer mapped to one of its labels: the label the answer says first.

"Yes, because the trial ..." is ``yes``; "The data do not show it; no." is ``no``. Words are compared after
``harness.data.normalize_label``; where two labels start at the same word the longer wins ("not sure" before
"not"). A refusal, or an answer naming no label, maps to None: wrong, whatever the gold label.

A configured judge could map free-form answers more cleverly; that is left for later, and said so in
docs/data-format.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.config import ScoringConfig
from harness.data import label_tokens
from harness.metrics._prediction import is_refusal
from harness.metrics._text import answer_text
from harness.metrics._types import ItemContext

__all__ = ["find_label", "predicted_label"]


def find_label(answer: str, labels: Sequence[str]) -> str | None:
    """The label (as given) whose words occur earliest in ``answer``; None when none occurs."""
    words = label_tokens(answer)
    spelled = sorted(((label_tokens(label), label) for label in labels), key=lambda t: -len(t[0]))
    for start in range(len(words)):
        for tokens, label in spelled:
            if tokens and words[start : start + len(tokens)] == tokens:
                return label
    return None


def predicted_label(ctx: ItemContext, cfg: ScoringConfig) -> str | None:
    """The label the generated answer names, None for a refusal or no label (or an open question)."""
    if not ctx.question.labels or is_refusal(ctx, cfg):
        return None
    return find_label(answer_text(ctx.generation.text), ctx.question.labels)
