"""The visible answer of a generation: reasoning blocks and citation markers taken out.

Reasoning models may emit ``<think>…</think>``; that is not the answer, so metrics score the text
outside it (an unclosed ``<think>`` hides everything after it, a stray ``</think>`` everything before).
Citation markers such as ``[1]`` or ``[1, 2]`` are stripped before answer scoring: "Paris [1]" answers
"Paris" exactly.
"""

from __future__ import annotations

import re

__all__ = ["MARKER", "answer_text", "has_think_block", "visible_text"]

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)
# One bracketed group of non-negative integers: [1], [1, 2], [1;2]. A bracket directly before or after
# ([[1]]) makes it something else (nested brackets, a link label), so it is not a marker.
MARKER = re.compile(r"(?<!\[)\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\](?!\])")


def has_think_block(text: str) -> bool:
    return bool(_THINK_OPEN.search(text) or _THINK_CLOSE.search(text))


def visible_text(text: str) -> str:
    """``text`` without reasoning blocks."""
    text = _THINK_BLOCK.sub(" ", text)
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:
        text = text[closes[-1].end() :]
    opened = _THINK_OPEN.search(text)
    return text[: opened.start()] if opened else text


def answer_text(text: str) -> str:
    """The visible text with citation markers removed and whitespace collapsed."""
    return " ".join(MARKER.sub(" ", visible_text(text)).split())
