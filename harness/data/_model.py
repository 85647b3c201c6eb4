"""The data format users bring: documents (corpus.jsonl) and questions (questions.jsonl)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["SPLIT_NAMES", "TASK_TYPES", "Dataset", "Document", "Question", "SplitName", "Splits", "TaskType"]

TaskType = Literal["grounded", "synthesis", "refusal"]
TASK_TYPES: tuple[TaskType, ...] = ("grounded", "synthesis", "refusal")
SplitName = Literal["train", "val", "test"]
SPLIT_NAMES: tuple[SplitName, ...] = ("train", "val", "test")


@dataclass(frozen=True, kw_only=True)
class Document:
    doc_id: str
    title: str
    text: str
    metadata: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Question:
    qid: str
    question: str
    answers: tuple[str, ...]
    answerable: bool
    gold_doc_ids: tuple[str, ...]
    task_type: TaskType
    keywords: tuple[str, ...] = ()
    # A closed question (yes/no/maybe, multiple choice) lists the labels an answer may take; its gold answers are
    # among them. Empty: an open question, scored as a span.
    labels: tuple[str, ...] = ()
    # The split the data set assigns (its own train/val/test); None lets the harness split it.
    split: SplitName | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """A validated corpus and question set. ``content_hash`` keys every cache built from it."""

    tag: str
    corpus: tuple[Document, ...]
    questions: tuple[Question, ...]
    content_hash: str

    def document(self, doc_id: str) -> Document:
        return self._by_id()[doc_id]

    def _by_id(self) -> dict[str, Document]:
        cached: dict[str, Document] | None = getattr(self, "_doc_index", None)
        if cached is None:
            cached = {d.doc_id: d for d in self.corpus}
            object.__setattr__(self, "_doc_index", cached)  # frozen, but a derived index is safe to memoise
        return cached


@dataclass(frozen=True, kw_only=True)
class Splits:
    """Train/val/test questions of one data set, built deterministically from ``seed``."""

    dataset: Dataset
    seed: int
    train: tuple[Question, ...]
    val: tuple[Question, ...]
    test: tuple[Question, ...]
    ratios: tuple[float, float, float] = (0.70, 0.15, 0.15)  # recorded next to the seed; the split files need it

    @property
    def given(self) -> bool:
        """The data set carried its own split (every question names one), so seed and ratios were not used."""
        questions = self.train + self.val + self.test
        return bool(questions) and all(q.split is not None for q in questions)
