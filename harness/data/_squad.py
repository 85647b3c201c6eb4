"""Import the official SQuAD 2.0 JSON: one document per paragraph, one question per ``qas`` entry.

SQuAD 2.0's unanswerable questions are often near-copies of answerable ones; near-duplicates are
dropped here (first one kept) with the same test the leak check applies, so a split of an imported
set cannot leak through them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from harness.data._import_report import ImportReport
from harness.data._jsonl import read_bytes
from harness.data._loader import save_dataset
from harness.data._model import Document, Question
from harness.data._problems import MISSING, Problems
from harness.data._similarity import iter_kept
from harness.errors import DataError

__all__ = ["import_squad2"]


@dataclass(frozen=True)
class _Item:
    question: Question
    doc_position: int  # index into the document list, to trim the corpus after the question cap


def import_squad2(
    json_path: str | Path,
    out_dir: str | Path,
    *,
    titles: Sequence[str] | None = None,
    max_questions: int | None = None,
    dedupe_threshold: float | None = 0.9,
) -> ImportReport:
    """Import articles (all, or ``titles`` in file order) until ``max_questions`` questions are kept.

    ``dedupe_threshold=None`` keeps near-duplicates. Selection is in file order, so nothing is random.
    """
    if max_questions is not None and max_questions < 1:  # 0 used to crash with an IndexError
        raise DataError(f"max_questions={max_questions} must be at least 1; fix: leave it out to import every question")
    path = Path(json_path)
    articles = _select(_read_articles(path), titles, path)
    docs, items = _convert(articles, path)
    kept = _kept_positions(items, dedupe_threshold, max_questions)
    considered = kept[-1] + 1 if max_questions is not None and len(kept) == max_questions else len(items)
    last_doc = items[kept[-1]].doc_position if kept and considered < len(items) else len(docs) - 1
    dataset = save_dataset(docs[: last_doc + 1], [items[i].question for i in kept], out_dir)
    return ImportReport(dataset=dataset, dropped_near_duplicates=considered - len(kept))


def _kept_positions(items: Sequence[_Item], threshold: float | None, max_questions: int | None) -> list[int]:
    texts = [item.question.question for item in items]
    kept = iter_kept(texts, threshold) if threshold is not None else iter(range(len(texts)))
    return list(islice(kept, max_questions))


def _read_articles(path: Path) -> list[Any]:
    try:
        top = json.loads(read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        fix = "pass the official train/dev-v2.0.json"
        raise DataError(f"{path}: not a SQuAD JSON file ({reason}); fix: {fix}") from None
    if not isinstance(top, dict) or not isinstance(top.get("data"), list):
        raise DataError(
            f'{path}: data=<missing> is required at the top level; fix: pass a SQuAD file ({{"data": [...]}})'
        )
    return list(top["data"])


def _select(articles: list[Any], titles: Sequence[str] | None, path: Path) -> list[Any]:
    if titles is None:
        return articles
    have = {str(a.get("title", "")) for a in articles if isinstance(a, dict)}
    wanted = {t.replace(" ", "_") for t in titles}  # "Steam engine" and "Steam_engine" name the same article
    unknown = sorted(wanted - have)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(have), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise DataError(f"{path}: titles={unknown} not in the file; fix: {hint}available: {', '.join(sorted(have))}")
    return [a for a in articles if isinstance(a, dict) and a.get("title") in wanted]


def _convert(articles: list[Any], path: Path) -> tuple[list[Document], list[_Item]]:
    reader, docs, items = _Reader(str(path)), list[Document](), list[_Item]()
    for where, title, index, paragraph in reader.paragraphs(articles):
        doc = reader.document(title, index, paragraph, where)
        if doc is not None:
            items += [_Item(q, len(docs)) for q in reader.questions(doc.doc_id, paragraph, where)]
            docs.append(doc)
    reader.problems.raise_if_any(f"{path}: not a valid SQuAD file")
    return docs, items


class _Reader:
    """Walks the SQuAD structure, collecting every malformed field as ``file: data[a]...key=value``."""

    def __init__(self, file: str) -> None:
        self.file, self.problems = file, Problems()

    def paragraphs(self, articles: list[Any]) -> Iterator[tuple[str, str, int, Any]]:
        """(where, title, paragraph index in its article, paragraph) for every well-formed article."""
        for a, article in enumerate(articles):
            title = self.field(article, "title", str, f"data[{a}]")
            paragraphs = self.field(article, "paragraphs", list, f"data[{a}]")
            if isinstance(title, str) and isinstance(paragraphs, list):
                for p, paragraph in enumerate(paragraphs):
                    yield f"data[{a}].paragraphs[{p}]", title, p, paragraph

    def document(self, title: str, index: int, paragraph: Any, where: str) -> Document | None:
        context = self.field(paragraph, "context", str, where)
        if context is None:
            return None
        return Document(
            doc_id=f"{title}#{index}",
            title=title.replace("_", " "),
            text=context,
            metadata={"source": "squad2", "article": title, "paragraph": index},
        )

    def questions(self, doc_id: str, paragraph: Any, where: str) -> Iterator[Question]:
        qas = self.field(paragraph, "qas", list, where) or []
        for i, qa in enumerate(qas):
            question = self.question(doc_id, qa, f"{where}.qas[{i}]")
            if question is not None:
                yield question

    def question(self, doc_id: str, qa: Any, where: str) -> Question | None:
        qid, text = self.field(qa, "id", str, where), self.field(qa, "question", str, where)
        impossible = self.field(qa, "is_impossible", bool, where, optional=True) or False  # absent in SQuAD 1.1
        answers, plausible = self.answer_texts(qa, "answers", where), self.answer_texts(qa, "plausible_answers", where)
        if qid is None or text is None or answers is None:
            return None
        return Question(
            qid=qid,
            question=text.strip(),
            answers=() if impossible else tuple(answers),
            answerable=not impossible,
            gold_doc_ids=(doc_id,),
            task_type="refusal" if impossible else "grounded",
            metadata={"plausible_answers": plausible} if plausible else {},
        )

    def answer_texts(self, qa: Any, key: str, where: str) -> list[str] | None:
        """Unique answer texts in order (SQuAD repeats an answer once per annotator); ``[]`` if absent."""
        answers = self.field(qa, key, list, where, optional=True)
        texts = [a.get("text") if isinstance(a, dict) else None for a in answers or []]
        if not all(isinstance(t, str) for t in texts):
            self.problems.add(
                self.file,
                f"{where}.{key}",
                answers,
                'must be a list of {"text": ...} objects',
                "repair the source file, or re-download the official SQuAD JSON",
            )
            return None
        return list(dict.fromkeys(str(t) for t in texts))

    def field(self, obj: Any, key: str, kind: type, where: str, *, optional: bool = False) -> Any:
        """``obj[key]`` if it has type ``kind``; otherwise a problem (unless optional and absent) and None."""
        value = obj.get(key, MISSING) if isinstance(obj, Mapping) else MISSING
        if isinstance(value, kind):
            return value
        if not (optional and value is MISSING):
            reason = "is required" if value is MISSING else f"must be a {kind.__name__}"
            self.problems.add(
                self.file,
                f"{where}.{key}",
                value,
                reason,
                "repair the source file, or re-download the official SQuAD JSON",
            )
        return None
