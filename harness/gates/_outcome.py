"""What a gate decided, with the numbers behind it and a one-line message for the assertion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GateOutcome", "GateRefused"]

from harness.errors import HarnessError


class GateRefused(HarnessError):
    """The comparison is not valid (different size groups or quantisation levels)."""


@dataclass(frozen=True, kw_only=True)
class GateOutcome:
    gate: str
    passed: bool
    message: str
    numbers: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"gate": self.gate, "passed": self.passed, "message": self.message, "numbers": dict(self.numbers)}
