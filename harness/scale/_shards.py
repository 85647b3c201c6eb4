"""Split a sequence into contiguous, nearly equal shards, so results can be put back in order by concatenation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from harness.errors import ConfigError

__all__ = ["contiguous_shards"]

T = TypeVar("T")


def contiguous_shards(items: Sequence[T], n: int) -> list[list[T]]:
    """``min(n, len(items))`` non-empty runs of ``items`` whose lengths differ by at most one.

    Contiguous (not round-robin) so neighbouring prompts, which often share a prefix, stay together,
    and concatenating the shards gives ``items`` back.
    """
    if n < 1:
        raise ConfigError(f"shards={n} must be >= 1")
    count = min(n, len(items))
    if count == 0:
        return []
    size, extra = divmod(len(items), count)
    shards, start = [], 0
    for i in range(count):
        stop = start + size + (1 if i < extra else 0)
        shards.append(list(items[start:stop]))
        start = stop
    return shards
