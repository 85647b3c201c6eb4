"""Token lengths of rendered samples: what the model's own chat template makes of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.adapt._types import TokenStats, TrainingSample

__all__ = ["describe", "render_ids", "token_stats"]


def render_ids(
    tokenizer: Any, messages: Sequence[Any], *, generation_prompt: bool = False, template_kwargs: Any = ()
) -> list[int]:
    """Token ids of ``messages`` (Message records or role/content dicts) under the tokenizer's chat template."""
    dicts = [m if isinstance(m, dict) else {"role": m.role, "content": m.content} for m in messages]
    ids = tokenizer.apply_chat_template(
        dicts, tokenize=True, add_generation_prompt=generation_prompt, return_dict=False, **dict(template_kwargs)
    )
    return [int(i) for i in ids]


def token_stats(samples: Sequence[TrainingSample], tokenizer: Any, max_seq_length: int) -> TokenStats:
    """min / max / mean length, and how many samples exceed ``max_seq_length`` (and get truncated)."""
    lengths = [len(render_ids(tokenizer, s.messages, template_kwargs=s.template_kwargs)) for s in samples] or [0]
    return TokenStats(
        count=len(samples),
        min=min(lengths),
        max=max(lengths),
        mean=round(sum(lengths) / len(lengths), 1),
        truncated=sum(n > max_seq_length for n in lengths),
        max_seq_length=max_seq_length,
    )


def describe(stats: TokenStats) -> str:
    return (
        f"tokens min {stats.min} mean {stats.mean} max {stats.max}, "
        f"{stats.truncated} truncated at {stats.max_seq_length}"
    )
