"""Greedy decoding of several prompts in one ``generate`` call, for the transformers backend.

Prompts of different lengths are padded on the left (a causal LM continues from the last position of every row)
with an attention mask of 0 over the padding; transformers derives each row's positions from that mask, so a row
sees exactly the tokens, at exactly the positions, it would see alone. Greedy decoding then picks the same tokens
as one prompt at a time, up to float rounding in the wider matrix products (a near-tie can flip; the conformance
test checks the tiny model's answers are equal, and ``benchmarks/perf`` compares them too). Sampling is not
batched: a seeded draw per request is only reproducible one request at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from harness.backends._types import GenerationRequest

__all__ = ["batchable", "left_padded", "row_tokens"]


def batchable(requests: Sequence[GenerationRequest]) -> bool:
    """Several greedy requests, with one repeat penalty and no stop strings (cut per text, one at a time)."""
    if len(requests) < 2:
        return False
    first = requests[0]
    return all(r.temperature == 0 and not r.stop and r.repeat_penalty == first.repeat_penalty for r in requests)


def left_padded(torch: Any, prompts: Sequence[Sequence[int]], pad_id: int, device: str) -> tuple[Any, Any]:
    """Token ids padded on the left to the longest prompt, and the attention mask (0 over the padding)."""
    width = max(len(p) for p in prompts)
    ids = [[pad_id] * (width - len(p)) + list(p) for p in prompts]
    mask = [[0] * (width - len(p)) + [1] * len(p) for p in prompts]
    return torch.tensor(ids, device=device), torch.tensor(mask, device=device)


def row_tokens(row: Sequence[int], eos_ids: Collection[int], limit: int) -> list[int]:
    """A row's new tokens up to its first end-of-sequence token (kept, as ``generate`` keeps it for one prompt),
    at most ``limit`` (the row's own max_tokens: greedy tokens do not depend on a longer budget)."""
    out: list[int] = []
    for token in row[:limit]:
        out.append(int(token))
        if token in eos_ids:
            break
    return out
