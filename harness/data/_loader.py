"""Load and write a data set directory: ``corpus.jsonl`` + ``questions.jsonl``, every row validated."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TypeVar

from harness.data._jsonl import Row, dump_jsonl, read_bytes, read_rows, write_bytes
from harness.data._model import Dataset, Document, Question
from harness.data._problems import Problems
from harness.data._rows import document_from_row, document_to_row, question_from_row, question_to_row
from harness.errors import DataError

__all__ = [
    "CORPUS_FILE",
    "QUESTIONS_FILE",
    "content_hash",
    "load_dataset",
    "read_questions_jsonl",
    "save_dataset",
    "write_dataset",
    "write_questions_jsonl",
]

CORPUS_FILE = "corpus.jsonl"
QUESTIONS_FILE = "questions.jsonl"
T = TypeVar("T")
Parsed = list[tuple[Row, T]]


def load_dataset(path: str | Path, tag: str | None = None) -> Dataset:
    """Read and validate a data set directory; ``tag`` defaults to the directory's name."""
    root = Path(path)
    if not root.is_dir():
        raise DataError(
            f"{root}: not a directory; fix: point to a directory holding {CORPUS_FILE} and {QUESTIONS_FILE}"
        )
    corpus_raw, questions_raw = read_bytes(root / CORPUS_FILE), read_bytes(root / QUESTIONS_FILE)
    problems = Problems()
    corpus_rows = read_rows(root / CORPUS_FILE, corpus_raw, problems)
    _check_not_empty(root / CORPUS_FILE, corpus_rows, problems)
    _report_duplicates(corpus_rows, "doc_id", problems)
    corpus = [doc for _, doc in _parse(corpus_rows, problems, document_from_row)]
    known = {row.data["doc_id"] for row in corpus_rows if isinstance(row.data.get("doc_id"), str)}
    questions = _parse_questions(root / QUESTIONS_FILE, questions_raw, problems, known)
    problems.raise_if_any(f"{root}: the data set has bad rows")
    return Dataset(
        tag=tag or root.resolve().name,
        corpus=tuple(corpus),
        questions=tuple(questions),
        content_hash=content_hash(corpus_raw, questions_raw),
    )


def read_questions_jsonl(path: str | Path) -> tuple[Question, ...]:
    """Read and validate a questions file on its own (gold documents are not checked against a corpus)."""
    file = Path(path)
    problems = Problems()
    questions = _parse_questions(file, read_bytes(file), problems, known_docs=None)
    problems.raise_if_any(f"{file}: bad rows")
    return tuple(questions)


def write_questions_jsonl(path: str | Path, questions: Iterable[Question]) -> Path:
    return write_bytes(Path(path), dump_jsonl(question_to_row(q) for q in questions))


def write_dataset(dataset: Dataset, out_dir: str | Path) -> list[Path]:
    """Write ``corpus.jsonl`` and ``questions.jsonl`` (sorted keys, UTF-8) into ``out_dir``."""
    return _write_files(Path(out_dir), dataset.corpus, dataset.questions)


def save_dataset(corpus: Iterable[Document], questions: Iterable[Question], out_dir: str | Path) -> Dataset:
    """Write a new data set and load it back, so importers return exactly what users will load."""
    _write_files(Path(out_dir), corpus, questions)
    return load_dataset(out_dir)


def _write_files(out: Path, corpus: Iterable[Document], questions: Iterable[Question]) -> list[Path]:
    written = write_bytes(out / CORPUS_FILE, dump_jsonl(document_to_row(d) for d in corpus))
    return [written, write_questions_jsonl(out / QUESTIONS_FILE, questions)]


def content_hash(corpus: bytes, questions: bytes) -> str:
    """sha256 over both files' bytes, each prefixed by its name and length so the boundary is unambiguous."""
    digest = hashlib.sha256()
    for name, data in ((CORPUS_FILE, corpus), (QUESTIONS_FILE, questions)):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _check_not_empty(path: Path, rows: list[Row], problems: Problems) -> None:
    if not rows and not problems.items:
        raise DataError(
            f"{path}: the corpus has no documents; fix: add one JSON object per line like "
            '{"doc_id": "d1", "title": "...", "text": "..."}, or build it with `harness import folder`'
        )


def _parse(rows: list[Row], problems: Problems, parse: Callable[[Row, Problems], T | None]) -> Parsed[T]:
    parsed = ((row, parse(row, problems)) for row in rows)
    return [(row, item) for row, item in parsed if item is not None]


def _parse_questions(path: Path, raw: bytes, problems: Problems, known_docs: Collection[str] | None) -> list[Question]:
    rows = read_rows(path, raw, problems)
    _report_duplicates(rows, "qid", problems)
    parsed = _parse(rows, problems, question_from_row)
    if known_docs is not None:
        _check_gold_docs(parsed, known_docs, problems)
    return [question for _, question in parsed]


def _report_duplicates(rows: list[Row], id_field: str, problems: Problems) -> None:
    """Every repeat of an id is reported with the line it repeats, even when the row is bad otherwise."""
    first: dict[str, str] = {}
    for row in rows:
        key = row.data.get(id_field)
        if isinstance(key, str) and key in first:
            problems.add(row.where, id_field, key, f"duplicates {first[key]}", f"give every row a unique {id_field}")
        elif isinstance(key, str):
            first[key] = f"line {row.where.rpartition(':')[2]}"


def _check_gold_docs(parsed: Parsed[Question], known: Collection[str], problems: Problems) -> None:
    for row, question in parsed:
        for i, doc_id in enumerate(question.gold_doc_ids):
            if doc_id not in known:
                problems.add(
                    row.where,
                    f"gold_doc_ids[{i}]",
                    doc_id,
                    f"is not a doc_id in {CORPUS_FILE}",
                    _unknown_doc_fix(doc_id, known),
                )


def _unknown_doc_fix(doc_id: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(doc_id, list(known), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}name an existing document, or add it to {CORPUS_FILE}"
