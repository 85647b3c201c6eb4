"""The judging rubric: four weighted parts, a pass threshold and a floor for every part.

Weights and thresholds live here, in code: a judge (or a document it read) cannot change how its
part scores combine, only what the part scores are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from harness.errors import ConfigError

__all__ = ["PARTS", "RATIONALE_MAX_CHARS", "SCORE_STEPS", "VERDICT_MAX_CHARS", "VERDICT_SCHEMA", "Rubric", "Verdict"]

PARTS = ("factuality", "grounding", "completeness", "communication")
SCORE_STEPS = [round(i / 10, 1) for i in range(11)]
RATIONALE_MAX_CHARS = 120
# The verdict's JSON schema: backends that can constrain decoding to it produce nothing else. The rationale is
# bounded, and printable ASCII without quote or backslash (no escapes, no multi-byte characters), so every token
# of a constrained reply holds at least one character: a reply can never be longer than VERDICT_MAX_CHARS tokens,
# and a judge given that many tokens can never be cut off mid-object. Scores are still range-checked when parsed.
VERDICT_SCHEMA = MappingProxyType(
    {
        "type": "object",
        "properties": {
            # tenths, as an enum: grammars built from a schema (llama.cpp's) ignore minimum/maximum, and a small
            # judge constrained to "a number" writes 40 or 4 as often as 0.4
            **{name: {"type": "number", "enum": SCORE_STEPS} for name in PARTS},
            "rationale": {"type": "string", "pattern": f"^[ !#-\\[\\]-~]{{0,{RATIONALE_MAX_CHARS}}}$"},
        },
        "required": [*PARTS, "rationale"],
        "additionalProperties": False,
    }
)
# The longest reply the schema allows: every optional space taken, every score three characters, the longest
# rationale. llama.cpp's grammar allows one space around each separator; OpenAI and Ollama allow no more.
VERDICT_MAX_CHARS = len(
    "{ " + ", ".join(f'"{name}" : 0.0' for name in PARTS) + ' , "rationale" : "' + "x" * RATIONALE_MAX_CHARS + '" } '
)
_WEIGHTS = MappingProxyType({"factuality": 0.40, "grounding": 0.30, "completeness": 0.20, "communication": 0.10})


@dataclass(frozen=True, kw_only=True)
class Rubric:
    """``score`` is the weighted mean of the parts; an answer passes at ``score >= pass_threshold`` with
    no part below ``min_part``."""

    weights: Mapping[str, float] = field(default_factory=lambda: _WEIGHTS)
    pass_threshold: float = 0.65
    min_part: float = 0.4

    def __post_init__(self) -> None:
        if tuple(self.weights) != PARTS or abs(sum(self.weights.values()) - 1.0) > 1e-9:
            raise ConfigError(f"rubric weights={dict(self.weights)} must weigh {', '.join(PARTS)} and sum to 1")
        if not (0 <= self.min_part <= 1 and 0 <= self.pass_threshold <= 1):
            raise ConfigError("rubric pass_threshold and min_part must be between 0 and 1")

    def score(self, parts: Mapping[str, float]) -> float:
        return sum(self.weights[name] * parts[name] for name in PARTS)

    def passes(self, parts: Mapping[str, float]) -> bool:
        # 1e-9: a weighted sum of parts all at the threshold must not fail by a rounding error
        return self.score(parts) >= self.pass_threshold - 1e-9 and min(parts[n] for n in PARTS) >= self.min_part


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The judge's verdict on one answer. ``error`` is set (and the scores None) when no valid verdict was
    obtained: such an item is an error, never a failing grade."""

    qid: str
    parts: Mapping[str, float] | None
    score: float | None
    passed: bool | None
    rationale: str = ""
    attempts: int = 1
    error: str | None = None
