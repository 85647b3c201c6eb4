"""Stratified, seeded train/val/test splits.

Strata are (first gold document, task type): every paragraph's grounded and refusal questions are
spread over all three splits in proportion. Counts come from :func:`allocate`, which rounds each
stratum to within one question of its ideal share and keeps the running totals within one as well.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from harness.config import DataConfig
from harness.data._given_split import given_splits
from harness.data._model import SPLIT_NAMES, Dataset, Question, Splits
from harness.errors import DataError

__all__ = ["SPLIT_NAMES", "Stratum", "allocate", "build_splits", "stratum_of"]

Stratum = tuple[str, str]  # (gold doc id or "", task type)


def stratum_of(question: Question) -> Stratum:
    """Multi-document questions go with their first gold document; questions without one share ``""``."""
    return (question.gold_doc_ids[0] if question.gold_doc_ids else "", question.task_type)


def build_splits(dataset: Dataset, cfg: DataConfig) -> Splits:
    """Split ``dataset.questions`` by ``cfg.ratios`` with ``cfg.split_seed``; the same inputs give the same splits.

    Only the seed and ratios of ``cfg`` are used: the data set is already loaded (its tag names the files). A data
    set whose questions name their own split is used as given (:func:`given_splits`), seed and ratios unused.
    """
    if not dataset.questions:
        raise DataError(f"data set {dataset.tag!r} has no questions to split; fix: add rows to questions.jsonl")
    given = given_splits(dataset, cfg.split_seed)
    if given is not None:
        return given
    rng = random.Random(cfg.split_seed)  # never the global generator: splits must not depend on import order
    strata = _shuffled_strata(dataset.questions, rng)
    assigned: dict[str, int] = {}
    for members, counts in zip(strata, allocate([len(m) for m in strata], cfg.ratios), strict=True):
        _assign(members, counts, assigned)
    parts = [tuple(q for q in dataset.questions if assigned[q.qid] == i) for i in range(len(SPLIT_NAMES))]
    return Splits(dataset=dataset, seed=cfg.split_seed, train=parts[0], val=parts[1], test=parts[2], ratios=cfg.ratios)


def _shuffled_strata(questions: Sequence[Question], rng: random.Random) -> list[list[Question]]:
    """Strata in a seeded order, each member list in a seeded order; both start sorted, so file order is moot."""
    groups: dict[Stratum, list[Question]] = {}
    for q in sorted(questions, key=lambda q: q.qid):
        groups.setdefault(stratum_of(q), []).append(q)
    strata = [groups[key] for key in sorted(groups)]
    rng.shuffle(strata)
    for members in strata:
        rng.shuffle(members)
    return strata


def _assign(members: Sequence[Question], counts: Sequence[int], assigned: dict[str, int]) -> None:
    start = 0
    for split, count in enumerate(counts):
        for q in members[start : start + count]:
            assigned[q.qid] = split
        start += count


def allocate(sizes: Sequence[int], ratios: Sequence[float]) -> list[tuple[int, ...]]:
    """Per-stratum counts for each split: each within 1 of ``size * ratio``, running totals too.

    Each stratum gets the floor of its ideal counts; the few leftover questions go to the splits that
    are furthest behind their ideal running total. That keeps every split's deficit in (-1, 1), so
    the overall proportions are as exact as whole questions allow.
    """
    total = sum(ratios)
    ratios = [r / total for r in ratios]  # configs allow a 1e-6 slack in the sum; keep counts summing to size
    deficit = [0.0] * len(ratios)
    counts_per_stratum = []
    for size in sizes:
        ideal = [size * r for r in ratios]
        counts = [math.floor(x + 1e-9) for x in ideal]  # 1e-9: 0.7*10 may come out as 6.999...
        deficit = [d + x - c for d, x, c in zip(deficit, ideal, counts, strict=True)]
        for i in sorted(range(len(ratios)), key=lambda i: -deficit[i])[: size - sum(counts)]:
            counts[i] += 1
            deficit[i] -= 1
        counts_per_stratum.append(tuple(counts))
    return counts_per_stratum
