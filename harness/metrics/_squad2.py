"""The official SQuAD 2.0 evaluation (v2.0): a data file's questions against raw prediction strings.

Same numbers and the same keys, in the same order, as ``evaluate-v2.0.py`` run without a no-answer
probability file: ``exact``, ``f1``, ``total`` and, for each non-empty subset, ``HasAns_*`` / ``NoAns_*``.
Scores are percentages. Predictions are taken as they are (no refusal mapping). Where the official
script would print "Missing prediction" and then fail, we raise a ``DataError`` naming the missing ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from harness.errors import DataError
from harness.metrics._squad_text import best_exact, best_f1

__all__ = ["SquadQuestion", "squad2_evaluate", "squad2_predictions", "squad2_questions"]

SHOWN_MISSING = 5


@dataclass(frozen=True, kw_only=True)
class SquadQuestion:
    qid: str
    answers: tuple[str, ...]  # empty for an unanswerable (``is_impossible``) question


def _wrong(where: str, kind: str) -> DataError:
    return DataError(f"{where} must be a JSON {kind}; fix: use the SQuAD 2.0 format")


def _as_dict(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _wrong(where, "object")
    return value


def _as_list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise _wrong(where, "array")
    return value


def _as_str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _wrong(where, "string")
    return value


def _items(container: object, key: str, where: str) -> list[object]:
    return _as_list(_as_dict(container, where).get(key), f"{where}.{key}")


def _question(qa: object, where: str) -> SquadQuestion:
    qid = _as_str(_as_dict(qa, where).get("id"), f"{where}.id")
    answers = _items(qa, "answers", where)
    texts = (_as_str(_as_dict(a, f"{where}.answers[{k}]").get("text"), f"{where}.answers[{k}].text")
             for k, a in enumerate(answers))  # fmt: skip
    return SquadQuestion(qid=qid, answers=tuple(texts))


def squad2_questions(data: object, source: str) -> list[SquadQuestion]:
    """Every question of a SQuAD 2.0 data file (the parsed JSON), in file order."""
    out = []
    articles = _as_list(_as_dict(data, f"{source}: the top level").get("data"), f"{source}: data")
    for i, article in enumerate(articles):
        for j, paragraph in enumerate(_items(article, "paragraphs", f"{source}: data[{i}]")):
            for k, qa in enumerate(_items(paragraph, "qas", f"{source}: data[{i}].paragraphs[{j}]")):
                out.append(_question(qa, f"{source}: data[{i}].paragraphs[{j}].qas[{k}]"))
    return out


def squad2_predictions(data: object, source: str) -> dict[str, str]:
    """A predictions file: one JSON object mapping question id -> predicted answer text."""
    preds = _as_dict(data, f"{source}: the top level")
    return {qid: _as_str(text, f"{source}: prediction for {qid!r}") for qid, text in preds.items()}


def _check_complete(questions: Sequence[SquadQuestion], predictions: Mapping[str, str]) -> None:
    if not questions:
        raise DataError("the data file holds no questions; fix: pass a SQuAD 2.0 data file with questions")
    missing = list(dict.fromkeys(q.qid for q in questions if q.qid not in predictions))
    if missing:
        shown = ", ".join(map(repr, missing[:SHOWN_MISSING]))
        raise DataError(f"{len(missing)} question(s) have no prediction (e.g. {shown}); fix: predict every id")


def _eval_dict(exact: Mapping[str, float], f1: Mapping[str, float], qids: Sequence[str]) -> dict[str, float | int]:
    total = len(qids)
    return {
        "exact": 100.0 * sum(exact[k] for k in qids) / total,
        "f1": 100.0 * sum(f1[k] for k in qids) / total,
        "total": total,
    }


def squad2_evaluate(questions: Sequence[SquadQuestion], predictions: Mapping[str, str]) -> dict[str, float | int]:
    """The official script's output dict (a repeated id keeps its first position and its last scores)."""
    _check_complete(questions, predictions)
    has_ans: dict[str, bool] = {}
    exact: dict[str, float] = {}
    f1: dict[str, float] = {}
    for q in questions:
        has_ans[q.qid] = bool(q.answers)
        exact[q.qid] = best_exact(q.answers, predictions[q.qid])
        f1[q.qid] = best_f1(q.answers, predictions[q.qid])
    out = _eval_dict(exact, f1, list(exact))
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        subset = [qid for qid, has in has_ans.items() if has is wanted]
        if subset:
            out.update({f"{prefix}_{k}": v for k, v in _eval_dict(exact, f1, subset).items()})
    return out
