"""Collect every bad row of a data file, then report them all in one DataError.

A user fixing a data file wants the whole list at once, not one error per run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from harness.errors import DataError

__all__ = ["MISSING", "Problem", "Problems", "Verbatim", "report", "show"]

MAX_LISTED = 20  # more than a screenful helps nobody; the rest are counted
MISSING = object()  # the value of a field that is absent from its row


class Verbatim(str):
    """A value description shown as is, not JSON-quoted (e.g. ``<byte 0xff at column 3>``)."""

    __slots__ = ()


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One bad value: ``where: field=value reason; fix: ...``."""

    where: str  # "path:line" for JSONL, a file path for whole-file formats
    field: str
    value: object
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}={show(self.value)} {self.reason}; fix: {self.fix}"


@dataclass
class Problems:
    """A mutable collector; ``raise_if_any`` turns it into one DataError."""

    items: list[Problem] = field(default_factory=list)

    def add(self, where: str, field: str, value: object, reason: str, fix: str) -> None:
        self.items.append(Problem(where=where, field=field, value=value, reason=reason, fix=fix))

    def raise_if_any(self, summary: str) -> None:
        if self.items:
            ordered = sorted(self.items, key=_file_then_line)  # stable: same-line problems keep field order
            raise DataError(report(summary, [str(p) for p in ordered]))


def _file_then_line(problem: Problem) -> tuple[str, int]:
    path, _, line = problem.where.rpartition(":")
    return (path, int(line)) if line.isdigit() else (problem.where, 0)


def report(summary: str, lines: list[str]) -> str:
    """``summary`` then one line per item, capped at MAX_LISTED with 'and N more'."""
    head = f"{summary} ({len(lines)} problem{'s' if len(lines) != 1 else ''}):"
    more = [f"  ... and {len(lines) - MAX_LISTED} more"] if len(lines) > MAX_LISTED else []
    return "\n".join([head, *(f"  {line}" for line in lines[:MAX_LISTED]), *more])


def show(value: object, limit: int = 60) -> str:
    """A short, JSON-like rendering of a value for an error line."""
    if value is MISSING:
        return "<missing>"
    if isinstance(value, Verbatim):
        return str(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
