"""Align two arms' per-question scores by question id, refusing anything that does not pair up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from harness.errors import DataError

__all__ = ["FloatArray", "pair_by_qid", "paired_arrays"]

FloatArray = NDArray[np.float64]
SHOWN_IDS = 5


def _some(ids: Iterable[str]) -> str:
    ordered = sorted(ids)
    more = f" and {len(ordered) - SHOWN_IDS} more" if len(ordered) > SHOWN_IDS else ""
    return ", ".join(map(repr, ordered[:SHOWN_IDS])) + more


def pair_by_qid(
    a: Mapping[str, float], b: Mapping[str, float], *, labels: tuple[str, str] = ("a", "b")
) -> tuple[FloatArray, FloatArray]:
    """Both arms' scores as two arrays in one order, that of the sorted qids (``sorted(a)``).

    Different qid sets are an error naming some of the ids found on one side only (``labels`` name the arms).
    """
    only_a, only_b = a.keys() - b.keys(), b.keys() - a.keys()
    if only_a or only_b:
        sides = ((only_a, labels[0]), (only_b, labels[1]))
        parts = "; ".join(f"{len(ids)} only in {label} ({_some(ids)})" for ids, label in sides if ids)
        raise DataError(f"the arms were scored on different questions: {parts}; fix: compare runs on one test split")
    qids = sorted(a)
    return _column(a, qids), _column(b, qids)


def _column(scores: Mapping[str, float], qids: Sequence[str]) -> FloatArray:
    return np.array([scores[q] for q in qids], dtype=np.float64)


def paired_arrays(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> tuple[FloatArray, FloatArray]:
    """``a`` and ``b`` as float arrays after checking they pair: same length, at least one item, finite."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise DataError(f"paired scores must be two 1-d sequences of equal length (got {x.shape} and {y.shape})")
    if x.size == 0:
        raise DataError("paired scores are empty; fix: score at least one question in both arms")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise DataError("paired scores contain NaN or infinity; fix: drop not-applicable items before comparing")
    return x, y
