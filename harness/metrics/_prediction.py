"""The answer as factuality metrics score it.

Decision: an answer detected as a refusal is scored as the empty string, the SQuAD 2.0 convention for
"no answer". So a worded refusal is right (EM = F1 = 1) on an unanswerable question and wrong on an
answerable one. ``harness score --format squad2`` does *not* apply this mapping: it matches the official
script on raw prediction strings.
"""

from __future__ import annotations

from harness.config import ScoringConfig
from harness.metrics._refusal_detector import detector_for
from harness.metrics._text import answer_text
from harness.metrics._types import ItemContext

__all__ = ["is_refusal", "squad_prediction"]


def is_refusal(ctx: ItemContext, cfg: ScoringConfig) -> bool:
    return detector_for(cfg)(answer_text(ctx.generation.text))


def squad_prediction(ctx: ItemContext, cfg: ScoringConfig) -> str:
    """The visible answer without citation markers, or '' when it is a refusal."""
    return "" if is_refusal(ctx, cfg) else answer_text(ctx.generation.text)
