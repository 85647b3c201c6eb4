"""Citation markers in an answer and the shown passages they point at.

``[n]`` cites passage n (1-based, as numbered in the prompt); ``[n, m]`` and ``[n][m]`` cite several.
``[-1]``, ``[[1]]``, ``[1.5]`` and ``[one]`` are not markers. A marker naming no shown passage (``[999]``,
``[0]``, a number of any length) is *invalid*: counted, never scored as a citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.metrics._text import MARKER, visible_text
from harness.metrics._types import ItemContext
from harness.retrieval import Passage

__all__ = ["Citations", "parse_citations", "resolve_citations"]

_NUMBER = re.compile(r"\d+")
# A marker longer than this names no passage; it is read as OUT_OF_RANGE, never converted (a model can emit
# thousands of digits, past Python's int-from-string limit).
_MAX_DIGITS = 18
OUT_OF_RANGE = 10**_MAX_DIGITS


def parse_citations(text: str) -> tuple[int, ...]:
    """Distinct marker numbers in order of first appearance (reasoning blocks ignored)."""
    seen: dict[int, None] = {}
    for group in MARKER.finditer(visible_text(text)):
        for number in _NUMBER.findall(group.group(1)):
            seen.setdefault(int(number) if len(number) <= _MAX_DIGITS else OUT_OF_RANGE, None)
    return tuple(seen)


@dataclass(frozen=True, kw_only=True)
class Citations:
    """The passages an answer cites (valid markers, in order) and the markers that point nowhere."""

    passages: tuple[Passage, ...]
    invalid: tuple[int, ...]

    @property
    def doc_ids(self) -> frozenset[str]:
        return frozenset(p.doc_id for p in self.passages)


def resolve_citations(ctx: ItemContext) -> Citations:
    by_rank = {p.rank: p for p in ctx.passages}
    markers = parse_citations(ctx.generation.text)
    return Citations(
        passages=tuple(by_rank[m] for m in markers if m in by_rank),
        invalid=tuple(m for m in markers if m not in by_rank),
    )
