"""A data set that carries its own split: every question names ``split`` (train, val or test), used as given.

Published sets often come split (PubMedQA's test fold, a benchmark's held-out questions); re-splitting them would
make results incomparable with everyone else's. A half-marked set, or one without test questions, is refused
with the fix rather than silently re-split.
"""

from __future__ import annotations

from harness.data._loader import QUESTIONS_FILE
from harness.data._model import SPLIT_NAMES, Dataset, Question, Splits
from harness.errors import DataError

__all__ = ["given_splits"]


def given_splits(dataset: Dataset, seed: int) -> Splits | None:
    """The data set's own splits, or None when no question names one. ``seed`` is only recorded."""
    marked = [q for q in dataset.questions if q.split is not None]
    if not marked:
        return None
    _check_all_marked(dataset, len(marked))
    parts = {name: tuple(q for q in dataset.questions if q.split == name) for name in SPLIT_NAMES}
    if not parts["test"]:
        raise DataError(
            f"data set {dataset.tag!r}: {QUESTIONS_FILE}: split: no question has split=test (train "
            f"{len(parts['train'])}, val {len(parts['val'])}), so there is nothing to evaluate on; fix: mark the "
            'held-out questions "split": "test", or remove "split" from every row to let the harness split them'
        )
    total = len(dataset.questions)
    ratios = (len(parts["train"]) / total, len(parts["val"]) / total, len(parts["test"]) / total)
    return Splits(dataset=dataset, seed=seed, train=parts["train"], val=parts["val"], test=parts["test"], ratios=ratios)


def _check_all_marked(dataset: Dataset, n_marked: int) -> None:
    if n_marked == len(dataset.questions):
        return
    first: Question = next(q for q in dataset.questions if q.split is None)
    raise DataError(
        f"data set {dataset.tag!r}: {QUESTIONS_FILE}: split: {n_marked} of {len(dataset.questions)} questions name "
        f"their split but qid={first.qid!r} (and {len(dataset.questions) - n_marked - 1} more) do not; fix: give "
        'every question "split": "train", "val" or "test", or remove "split" from every row to let the harness '
        "split them"
    )
