"""The per-question explorer's data: every condition's record of every question, with its outcome, answer, the
passages it was shown and its scores, embedded in the page as one JSON block.

Outcomes, one per record, the first that applies:

- ``error``: the generation failed (``error`` is set); the record has no scores and the gates leave it out;
- ``truncated``: the answer hit the token cap (``truncated`` is 1, or ``finish_reason`` is ``length``), whatever it
  scored: its score says more about the cap than about the model;
- ``refused``: the model declined (``refused`` is 1), rightly when the question is unanswerable;
- ``right``: the answer is correct by the data set's rule (``crag`` is +1: F1 or similarity over the threshold, or
  the gold label; ``exact_match`` is 1 where no ``crag`` was scored);
- ``wrong``: anything else.

Passage text is not stored in the records, only each passage's ids, rank and score. It is looked up in the
retrieval index's cache entry (``chunks.jsonl``, whose folder the condition's result names); where that entry is
gone the explorer shows the ids and says so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.results import ConditionEntry

__all__ = ["OUTCOMES", "OUTCOME_HELP", "explorer_json", "outcome"]

# What the page says each outcome means (the module docstring, shorter).
OUTCOME_HELP = {
    "right": "answered, and correct by the data set's rule (crag = +1; exact_match = 1 where crag was not scored)",
    "wrong": "answered, and not correct (including an answer to an unanswerable question)",
    "refused": "the model declined (refused = 1): rightly when the question is unanswerable, see correct_abstention",
    "error": "the generation failed (error is set): no scores, left out of every mean and gate",
    "truncated": "the answer hit the token cap (truncated = 1 or finish_reason = length), whatever it scored",
}
OUTCOMES = tuple(OUTCOME_HELP)
# Shown in their own places in the explorer, or text: not repeated among the scores.
_NOT_SCORES = frozenset({"qid", "question", "answer", "gold_answers", "passages", "task_type", "condition", "error",
                         "finish_reason", "thinking", "gold_doc_ids", "answerable"})  # fmt: skip


def outcome(record: Mapping[str, Any]) -> str:
    """The record's outcome (see the module docstring)."""
    if record.get("error"):
        return "error"
    if record.get("truncated") == 1 or record.get("finish_reason") == "length":
        return "truncated"
    if record.get("refused") == 1:
        return "refused"
    right = record.get("crag") == 1 if isinstance(record.get("crag"), int | float) else record.get("exact_match") == 1
    return "right" if right else "wrong"


@dataclass(frozen=True, kw_only=True)
class PassageTexts:
    texts: Mapping[str, str]  # chunk id -> text
    note: str  # where the text came from, or why it is missing


def passage_texts(entries: Sequence[ConditionEntry]) -> PassageTexts:
    """The text of every chunk the records name, from the conditions' retrieval index entries."""
    from harness.retrieval import read_chunks

    wanted = {p["chunk_id"] for e in entries for r in e.records for p in r.get("passages") or ()}
    folders = {str(d) for e in entries if (d := (e.retrieval or {}).get("entry"))}
    texts: dict[str, str] = {}
    missing = []
    for folder in sorted(folders):
        try:
            texts |= {c.chunk_id: c.text for c in read_chunks(Path(folder)) if c.chunk_id in wanted}
        except (OSError, ValueError, TypeError):
            missing.append(folder)
    if not wanted:
        return PassageTexts(texts={}, note="no condition was shown passages")
    if wanted <= set(texts):
        return PassageTexts(texts=texts, note="passage text from the retrieval index cache")
    gone = f"the retrieval index cache entry {', '.join(missing)} is gone" if missing else "no index entry recorded"
    return PassageTexts(texts=texts, note=f"some passage text is not available ({gone}): ids are shown instead")


def _scores(record: Mapping[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, value in sorted(record.items()):
        if key in _NOT_SCORES or isinstance(value, str | list | dict):
            continue
        out[key] = _number(value)
    return out


def _number(value: object) -> float | None:
    """Rounded to 4 places (the page's size); NaN and infinities as null, which JSON cannot hold."""
    return round(float(value), 4) if isinstance(value, int | float) and math.isfinite(value) else None


def _row(index: int, record: Mapping[str, Any]) -> dict[str, Any]:
    shown = record.get("passages") or ()
    passages = [[p.get("chunk_id"), p.get("doc_id"), p.get("rank"), _number(p.get("score"))] for p in shown]
    return {"c": index, "o": outcome(record), "a": str(record.get("answer") or ""), "p": passages,
            "s": _scores(record), "e": record.get("error"), "f": record.get("finish_reason")}  # fmt: skip


def _questions(entries: Sequence[ConditionEntry]) -> list[dict[str, Any]]:
    questions: dict[str, dict[str, Any]] = {}
    for index, e in enumerate(entries):
        for r in e.records:
            q = questions.setdefault(str(r["qid"]), {
                "qid": str(r["qid"]), "q": str(r.get("question") or ""), "t": str(r.get("task_type") or "unknown"),
                "ans": r.get("answerable"), "gold": list(r.get("gold_answers") or []),
                "docs": list(r.get("gold_doc_ids") or []), "rows": []})  # fmt: skip
            q["rows"].append(_row(index, r))
    return list(questions.values())


def explorer_json(entries: Sequence[ConditionEntry]) -> str:
    """The data block's text, safe inside ``<script type="application/json">``: every ``<`` escaped, so no answer
    can close the element (``</script>``) or open a comment."""
    texts = passage_texts(entries)
    body = {"conditions": [e.label for e in entries], "outcomes": list(OUTCOMES), "questions": _questions(entries),
            "chunks": dict(texts.texts), "chunksNote": texts.note}  # fmt: skip
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return text.replace("<", "\\u003c")
