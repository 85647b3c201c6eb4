"""What a metric sees (one question, its generation, the passages shown) and what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from harness.backends import Generation
from harness.config import ScoringConfig
from harness.data import Question
from harness.errors import DataError
from harness.retrieval import Passage

__all__ = ["ItemContext", "Metric", "MetricValues"]

# A metric's output: key -> value, where None means "not applicable to this item".
MetricValues = Mapping[str, float | None]


@dataclass(frozen=True, kw_only=True)
class ItemContext:
    """One scored item: the question, what the model produced, and the numbered passages it was shown."""

    question: Question
    generation: Generation
    passages: tuple[Passage, ...] = ()

    def __post_init__(self) -> None:
        if self.question.qid != self.generation.qid:
            raise DataError(
                f"generation.qid={self.generation.qid!r} does not match question.qid={self.question.qid!r}; "
                "fix: pair each generation with the question it answers"
            )


class Metric(Protocol):
    """A pure per-item score. Keys are the metric's output names; None marks "not applicable"."""

    def __call__(self, ctx: ItemContext, cfg: ScoringConfig, /) -> MetricValues: ...
