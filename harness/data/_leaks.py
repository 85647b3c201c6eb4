"""The leak check: no test question may equal, near-duplicate or paraphrase a train or val question.

Two tests, each with its threshold in ``data.leak_check``: token-set Jaccard (exact wording, always on) and,
when configured, the cosine of sentence embeddings, which catches a reworded question about the same passage
(Jaccard 0.67 for "When the tide pools warm, which enzyme..." vs "Which enzyme ... when the tide pools warm").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from harness.data._model import Question, Splits
from harness.data._problems import report, show
from harness.data._similarity import NearDuplicateIndex, token_set
from harness.errors import LeakError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Encode", "Leak", "check_leaks", "find_embedding_leaks", "find_leaks"]

# Texts -> unit-length rows (``harness.retrieval.Embedder.encode``); passed in so the data package loads no model.
Encode = Callable[[Sequence[str]], "NDArray[np.float32]"]
_MEASURE = {"jaccard": "Jaccard", "embedding": "embedding cosine"}


@dataclass(frozen=True, kw_only=True)
class Leak:
    """A test question and its most similar train/val question, by one measure."""

    test: Question
    other: Question
    other_split: str  # "train" or "val"
    similarity: float
    measure: Literal["jaccard", "embedding"] = "jaccard"

    def __str__(self) -> str:
        return (
            f"test qid={self.test.qid} {show(self.test.question)} ~ {self.other_split} qid={self.other.qid} "
            f"{show(self.other.question)} ({_MEASURE[self.measure]} {self.similarity:.3f})"
        )


def _others(splits: Splits) -> list[tuple[str, Question]]:
    return [("train", q) for q in splits.train] + [("val", q) for q in splits.val]


def find_leaks(splits: Splits, threshold: float) -> list[Leak]:
    """Every test question whose normalised token set has Jaccard >= ``threshold`` with a train/val one."""
    others = _others(splits)
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


def find_embedding_leaks(splits: Splits, threshold: float, encode: Encode) -> list[Leak]:
    """Every test question whose embedding has cosine >= ``threshold`` with a train/val one (the closest named)."""
    others = _others(splits)
    if not others or not splits.test:
        return []
    cosines = encode([q.question for q in splits.test]) @ encode([q.question for _, q in others]).T
    leaks = []
    for row, q in zip(cosines, splits.test, strict=True):
        best = int(row.argmax())  # the first of equal maxima, as the Jaccard index picks the earliest
        if row[best] >= threshold:
            split, other = others[best]
            leaks.append(Leak(test=q, other=other, other_split=split, similarity=float(row[best]), measure="embedding"))
    return leaks


def check_leaks(
    splits: Splits, threshold: float, *, embedding: float | None = None, encode: Encode | None = None
) -> None:
    """Raise LeakError listing every leaking test question, its train/val twin and their similarity.

    ``embedding`` (with ``encode``) adds the embedding check; a question Jaccard already flagged is listed once.
    """
    leaks = find_leaks(splits, threshold)
    if embedding is not None and encode is not None:
        seen = {leak.test.qid for leak in leaks}
        leaks += [leak for leak in find_embedding_leaks(splits, embedding, encode) if leak.test.qid not in seen]
    if leaks:
        raise LeakError(report(_summary(splits, threshold, embedding), [str(leak) for leak in leaks]))


def _summary(splits: Splits, threshold: float, embedding: float | None) -> str:
    fix = "fix: remove or reword one of each pair in questions.jsonl (the SQuAD importer drops them for you)"
    if embedding is None:
        what = f"near-duplicate train/val questions at threshold {threshold:g}"
    else:
        what = (
            "near-duplicate or paraphrase train/val questions at "
            f"Jaccard {threshold:g} or embedding cosine {embedding:g}"
        )
        fix += ", or raise data.leak_check.embedding if the pairs are different questions"
    return f"data set {splits.dataset.tag!r}: test questions {what}; {fix}"
