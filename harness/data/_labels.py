"""Closed answers: a question that lists its ``labels`` (yes/no/maybe, multiple-choice options) is answered by one.

Labels are compared after a light normalisation (lowercase, punctuation to spaces, spaces squeezed). Unlike SQuAD's
answer normalisation, articles are kept: an option labelled "A" must not vanish.
"""

from __future__ import annotations

import string

from harness.data._model import Question

__all__ = ["gold_label", "label_tokens", "normalize_label"]

_PUNCTUATION_TO_SPACE = str.maketrans(string.punctuation, " " * len(string.punctuation))


def label_tokens(text: str) -> tuple[str, ...]:
    return tuple(text.lower().translate(_PUNCTUATION_TO_SPACE).split())


def normalize_label(text: str) -> str:
    return " ".join(label_tokens(text))


def gold_label(question: Question) -> str | None:
    """The label the first gold answer names (as the question spells it), or None for an open question."""
    if not question.labels or not question.answers:
        return None
    wanted = normalize_label(question.answers[0])
    return next((label for label in question.labels if normalize_label(label) == wanted), None)
