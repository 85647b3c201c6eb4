"""Keep API keys out of descriptions, errors and logs."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["MASK", "redact"]

MASK = "***"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``***`` (longest first, so overlaps go too)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
