"""Cohen's kappa: how far two raters' yes/no calls agree beyond what their base rates alone would give."""

from __future__ import annotations

from collections.abc import Sequence

from harness.errors import DataError

__all__ = ["cohens_kappa"]


def cohens_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """(observed agreement - chance agreement) / (1 - chance agreement); None when chance agreement is 1 (both
    raters always say the same one thing, so agreement says nothing)."""
    if len(a) != len(b) or not a:
        raise DataError(f"cohens_kappa needs two equally long, non-empty sequences (got {len(a)} and {len(b)})")
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return None if chance >= 1 else (observed - chance) / (1 - chance)
