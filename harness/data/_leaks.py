"""The leak check: no test question may equal or near-duplicate a train or val question."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from harness.data._model import Question, Splits
from harness.data._problems import report, show
from harness.data._similarity import NearDuplicateIndex, token_set
from harness.errors import LeakError

__all__ = ["Leak", "check_leaks", "find_leaks"]


@dataclass(frozen=True, kw_only=True)
class Leak:
    """A test question and its most similar train/val question."""

    test: Question
    other: Question
    other_split: str  # "train" or "val"
    similarity: float

    def __str__(self) -> str:
        return (
            f"test qid={self.test.qid} {show(self.test.question)} ~ {self.other_split} qid={self.other.qid} "
            f"{show(self.other.question)} (Jaccard {self.similarity:.3f})"
        )


def find_leaks(splits: Splits, threshold: float) -> list[Leak]:
    """Every test question whose normalised token set has Jaccard >= ``threshold`` with a train/val one."""
    others = [("train", q) for q in splits.train] + [("val", q) for q in splits.val]
    sets = [token_set(q.question) for _, q in others]
    index = NearDuplicateIndex(threshold, Counter(token for s in sets for token in s))
    for tokens in sets:
        index.add(tokens)
    leaks = []
    for q in splits.test:
        match = index.best(token_set(q.question))
        if match is not None:
            split, other = others[match.position]
            leaks.append(Leak(test=q, other=other, other_split=split, similarity=match.similarity))
    return leaks


def check_leaks(splits: Splits, threshold: float) -> None:
    """Raise LeakError listing every leaking test question, its train/val twin and their similarity."""
    leaks = find_leaks(splits, threshold)
    if leaks:
        summary = (
            f"data set {splits.dataset.tag!r}: test questions near-duplicate train/val questions at "
            f"threshold {threshold:g}; fix: remove or reword one of each pair in questions.jsonl "
            "(the SQuAD importer drops them for you)"
        )
        raise LeakError(report(summary, [str(leak) for leak in leaks]))
