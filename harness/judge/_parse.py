"""Parse a judge's reply strictly: one JSON object, exactly the rubric's parts, each a number in [0, 1].

Anything else (prose, a cut-off object, a missing or extra key such as ``"pass": true``, a score of 7 or
NaN) is rejected with the reason, so the judge is asked again rather than believed.
"""

from __future__ import annotations

import json
import math
import re

from harness.errors import HarnessError
from harness.judge._rubric import PARTS

__all__ = ["JudgeOutputError", "parse_verdict"]

_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_MAX_RATIONALE = 2000


class JudgeOutputError(HarnessError):
    """A judge's reply is not a valid verdict."""


def parse_verdict(text: str) -> tuple[dict[str, float], str]:
    """(part -> score, rationale) from the reply ``text``; JudgeOutputError says what is wrong."""
    body = text.strip()
    fenced = _FENCE.match(body)  # small models often wrap JSON in a Markdown fence; nothing else is forgiven
    data = _load(fenced.group(1) if fenced else body)
    unknown = sorted(set(data) - {*PARTS, "rationale"})
    if unknown:
        raise JudgeOutputError(f"judge reply has unexpected key(s) {unknown}; only {', '.join(PARTS)}, rationale")
    parts = {name: _part(data, name) for name in PARTS}
    rationale = data.get("rationale", "")
    if not isinstance(rationale, str):
        raise JudgeOutputError(f"judge reply rationale={rationale!r:.60} must be a string")
    return parts, rationale[:_MAX_RATIONALE]


def _load(body: str) -> dict[str, object]:
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise JudgeOutputError(f"judge reply is not JSON ({type(exc).__name__}: {body[:80]!r})") from None
    if not isinstance(data, dict):
        raise JudgeOutputError(f"judge reply must be a JSON object, got {type(data).__name__}")
    return data


def _no_constant(name: str) -> float:
    raise JudgeOutputError(f"judge reply holds {name}, which is not a score")


def _part(data: dict[str, object], name: str) -> float:
    if name not in data:
        raise JudgeOutputError(f"judge reply is missing {name}")
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JudgeOutputError(f"judge reply {name}={value!r:.60} must be a number between 0 and 1")
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise JudgeOutputError(f"judge reply {name}={value!r} is out of range [0, 1]")
    return float(value)
