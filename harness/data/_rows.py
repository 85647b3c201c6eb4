"""Turn one JSONL row into a Document or a Question (or problems), and back.

Only the fields of the format are checked here; checks that need the whole file (duplicate ids,
gold documents that exist) live in the loader.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from harness.data._jsonl import Row
from harness.data._labels import normalize_label
from harness.data._model import SPLIT_NAMES, TASK_TYPES, Document, Question, SplitName, TaskType
from harness.data._problems import MISSING, Problems

__all__ = [
    "DOCUMENT_FIELDS",
    "QUESTION_FIELDS",
    "document_from_row",
    "document_to_row",
    "question_from_row",
    "question_to_row",
]

DOCUMENT_FIELDS = ("doc_id", "title", "text")
QUESTION_FIELDS = (
    "qid", "question", "answers", "answerable", "gold_doc_ids", "task_type", "keywords", "labels", "split",
)  # fmt: skip


class _Fields:
    """Typed access to one row's fields; every bad field becomes a problem and marks the row bad."""

    def __init__(self, row: Row, problems: Problems) -> None:
        self.row, self.problems, self.errors = row, problems, 0

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def bad(self, name: str, value: object, reason: str, fix: str) -> None:
        self.errors += 1
        self.problems.add(self.row.where, name, value, reason, fix)

    def text(self, name: str, *, allow_empty: bool = False) -> str:
        value = self.row.data.get(name, MISSING)
        if not isinstance(value, str):
            self._wrong_type(name, value, "a string")
            return ""
        if not allow_empty and not value.strip():
            self.bad(name, value, "must not be empty", f'give "{name}" some text')
        return value

    def flag(self, name: str) -> bool:
        value = self.row.data.get(name, MISSING)
        if not isinstance(value, bool):  # 0/1 or "true" are rejected: they are usually a mistake upstream
            self._wrong_type(name, value, "true or false")
            return False
        return value

    def strings(self, name: str, *, optional: bool = False) -> tuple[str, ...]:
        value = self.row.data.get(name, [] if optional else MISSING)
        if not _is_list(value):
            self._wrong_type(name, value, "a list of strings")
            return ()
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.bad(
                    f"{name}[{i}]", item, "must be a non-empty string", f"remove it or give the text of {name}[{i}]"
                )
        return tuple(str(item) for item in value)

    def metadata(self, core: tuple[str, ...]) -> dict[str, object]:
        return {key: value for key, value in self.row.data.items() if key not in core}

    def _wrong_type(self, name: str, value: object, kind: str) -> None:
        reason = "is required" if value is MISSING else f"must be {kind}"
        self.bad(name, value, reason, f'set "{name}" to {kind}')


def _is_list(value: object) -> TypeGuard[list[Any]]:
    return isinstance(value, list)


def document_from_row(row: Row, problems: Problems) -> Document | None:
    f = _Fields(row, problems)
    doc = Document(
        doc_id=f.text("doc_id"),
        title=f.text("title", allow_empty=True),
        text=f.text("text"),
        metadata=f.metadata(DOCUMENT_FIELDS),
    )
    return doc if f.ok else None


def question_from_row(row: Row, problems: Problems) -> Question | None:
    f = _Fields(row, problems)
    qid, text = f.text("qid"), f.text("question")
    errors_before = f.errors
    answers, answerable, gold = f.strings("answers"), f.flag("answerable"), f.strings("gold_doc_ids")
    task_type = _task_type(f)
    if f.errors == errors_before:  # a contradiction between fields already reported would only repeat the news
        _check_consistency(f, answerable, answers, gold, task_type or "grounded")
    keywords = f.strings("keywords", optional=True)
    errors_before = f.errors
    labels = f.strings("labels", optional=True)
    if labels and f.errors == errors_before:
        _check_labels(f, labels, answers, answerable)
    question = Question(
        qid=qid,
        question=text,
        answers=answers,
        answerable=answerable,
        gold_doc_ids=gold,
        task_type=task_type or "grounded",
        keywords=keywords,
        labels=labels,
        split=_split(f),
        metadata=f.metadata(QUESTION_FIELDS),
    )
    return question if f.ok else None


def _task_type(f: _Fields) -> TaskType | None:
    value = f.row.data.get("task_type", MISSING)
    for known in TASK_TYPES:
        if value == known:
            return known
    f.bad(
        "task_type",
        value,
        "is required" if value is MISSING else "is not a known task type",
        f"use one of {', '.join(TASK_TYPES)}",
    )
    return None


def _split(f: _Fields) -> SplitName | None:
    value = f.row.data.get("split", MISSING)
    if value is MISSING:
        return None
    for known in SPLIT_NAMES:
        if value == known:
            return known
    f.bad("split", value, "is not a split name", f"use one of {', '.join(SPLIT_NAMES)}, or leave it out")
    return None


def _check_labels(f: _Fields, labels: tuple[str, ...], answers: tuple[str, ...], answerable: bool) -> None:
    """A closed question: at least two distinct labels, answerable, and every gold answer one of them."""
    normalised = [normalize_label(label) for label in labels]
    if len(set(normalised)) != len(normalised) or len(labels) < 2:
        f.bad("labels", list(labels), "must hold at least two different labels", 'list the choices, like ["yes", "no"]')
        return
    if not answerable:
        f.bad("labels", list(labels), "is set but answerable=false", "drop labels, or set answerable to true")
    for i, answer in enumerate(answers):
        if normalize_label(answer) not in normalised:
            f.bad(f"answers[{i}]", answer, "is not one of the labels", f"write one of {list(labels)} as the answer")


def _check_consistency(
    f: _Fields, answerable: bool, answers: tuple[str, ...], gold: tuple[str, ...], task_type: TaskType
) -> None:
    if answerable and not answers:
        f.bad("answers", [], "is empty but answerable=true", "add the gold answer text(s), or set answerable to false")
    if answerable and not gold:
        f.bad("gold_doc_ids", [], "is empty but answerable=true", "list the doc_id(s) that hold the answer")
    if (task_type == "refusal") == answerable:
        want = "grounded or synthesis" if answerable else "refusal"
        f.bad("task_type", task_type, f"contradicts answerable={str(answerable).lower()}", f"use task_type {want}")


def document_to_row(doc: Document) -> dict[str, object]:
    return {**doc.metadata, "doc_id": doc.doc_id, "title": doc.title, "text": doc.text}


def question_to_row(q: Question) -> dict[str, object]:
    row: dict[str, object] = {
        **q.metadata,
        "qid": q.qid,
        "question": q.question,
        "answers": list(q.answers),
        "answerable": q.answerable,
        "gold_doc_ids": list(q.gold_doc_ids),
        "task_type": q.task_type,
    }
    # Optional in the format; an empty list or a null would only be noise in every row.
    if q.keywords:
        row["keywords"] = list(q.keywords)
    if q.labels:
        row["labels"] = list(q.labels)
    if q.split is not None:
        row["split"] = q.split
    return row
