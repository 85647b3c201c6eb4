"""Separate a thinking model's thinking from its answer: ``<think> ... </think> answer``.

Templates differ in who writes the opening tag (Qwen3 with thinking on leaves it to the model; DeepSeek-R1
distills put ``<think>\\n`` in the generation prompt, so the output starts inside it), so both shapes are read.
Thinking never reaches scoring. When thinking did not close, the answer is empty and the outcome is
``thinking_budget``: the budget ran out, which is not the same as a wrong answer.
"""

from __future__ import annotations

import dataclasses

from harness.backends._types import Generation

__all__ = ["CLOSE", "OPEN", "separate_thinking", "split_thinking"]

OPEN, CLOSE = "<think>", "</think>"


def split_thinking(text: str) -> tuple[str, str, bool]:
    """``(thinking, answer, closed)``; text with no tags at all is all answer."""
    head, sep, tail = text.partition(CLOSE)
    if sep:
        return head.split(OPEN, 1)[-1].strip(), tail.strip(), True
    if OPEN in text:
        before, _, inside = text.partition(OPEN)
        return inside.strip(), before.strip(), False
    return "", text, True


def separate_thinking(generation: Generation) -> Generation:
    """``generation`` with its thinking moved out of ``text`` (thinking tokens estimated by character share)."""
    if generation.error or (OPEN not in generation.text and CLOSE not in generation.text):
        return generation
    thinking, answer, closed = split_thinking(generation.text)
    share = len(thinking) / max(1, len(generation.text))
    finish = "thinking_budget" if not closed and generation.finish_reason == "length" else generation.finish_reason
    return dataclasses.replace(
        generation, text=answer, thinking=thinking, thinking_tokens=round(generation.completion_tokens * share),
        finish_reason=finish,
    )  # fmt: skip
