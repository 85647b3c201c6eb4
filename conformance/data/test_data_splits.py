"""Splits: coverage, no overlap, per-stratum proportions, determinism, and the split files."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.config import DataConfig
from harness.data import (
    SPLIT_NAMES,
    Dataset,
    Question,
    Splits,
    TaskType,
    allocate,
    build_splits,
    load_splits,
    split_paths,
    write_splits,
)
from harness.errors import DataError

RATIOS = st.sampled_from([(0.7, 0.15, 0.15), (0.8, 0.1, 0.1), (0.5, 0.0, 0.5), (1 / 3, 1 / 3, 1 / 3)])


def make_question(i: int, doc: int, task_type: TaskType) -> Question:
    answerable = task_type != "refusal"
    return Question(
        qid=f"q{i:04d}",
        question=f"question number {i}",
        answers=("a",) if answerable else (),
        answerable=answerable,
        gold_doc_ids=(f"d{doc}",),
        task_type=task_type,
    )


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """Questions over a few documents and task types; stratum sizes from 1 to ~20."""
    strata = draw(
        st.lists(
            st.tuples(st.integers(0, 6), st.sampled_from(["grounded", "synthesis", "refusal"])), min_size=1, max_size=40
        )
    )
    questions = [make_question(i, doc, task) for i, (doc, task) in enumerate(strata)]
    return Dataset(tag="prop", corpus=(), questions=tuple(questions), content_hash="h")


def expected_stratum(q: Question) -> tuple[str, str]:
    """The design, written out here rather than taken from the code under test: first gold document x task type."""
    return (q.gold_doc_ids[0] if q.gold_doc_ids else "", q.task_type)


def parts(splits: Splits) -> dict[str, tuple[Question, ...]]:
    return {"train": splits.train, "val": splits.val, "test": splits.test}


@settings(max_examples=150, deadline=None)
@given(datasets(), st.integers(0, 2**32), RATIOS)
def test_split_properties(dataset: Dataset, seed: int, ratios: tuple[float, float, float]) -> None:
    splits = build_splits(dataset, DataConfig(split_seed=seed, ratios=ratios))
    qids = [q.qid for part in parts(splits).values() for q in part]
    assert sorted(qids) == sorted(q.qid for q in dataset.questions)  # full coverage, no overlap
    sizes = Counter(expected_stratum(q) for q in dataset.questions)
    for name, ratio in zip(SPLIT_NAMES, ratios, strict=True):
        got = Counter(expected_stratum(q) for q in parts(splits)[name])
        assert all(abs(got[key] - n * ratio) < 1 + 1e-9 for key, n in sizes.items())  # each stratum within 1
        assert abs(len(parts(splits)[name]) - len(dataset.questions) * ratio) < 1 + 1e-9  # and the whole split
    assert build_splits(dataset, DataConfig(split_seed=seed, ratios=ratios)) == splits


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=60), RATIOS)
def test_allocate_bounds(sizes: list[int], ratios: tuple[float, float, float]) -> None:
    counts = allocate(sizes, ratios)
    assert [sum(c) for c in counts] == sizes
    for i, ratio in enumerate(ratios):
        assert all(abs(c[i] - n * ratio) < 1 + 1e-9 for c, n in zip(counts, sizes, strict=True))
        assert abs(sum(c[i] for c in counts) - sum(sizes) * ratio) < 1 + 1e-9


def test_seed_changes_the_split_and_file_order_does_not(fixture_dataset: Dataset) -> None:
    a = build_splits(fixture_dataset, DataConfig(split_seed=1))
    assert build_splits(fixture_dataset, DataConfig(split_seed=2)).test != a.test
    shuffled = replace(fixture_dataset, questions=tuple(reversed(fixture_dataset.questions)))
    assert {q.qid for q in build_splits(shuffled, DataConfig(split_seed=1)).test} == {q.qid for q in a.test}


def test_split_files_round_trip(tmp_path: Path, fixture_dataset: Dataset) -> None:
    splits = build_splits(fixture_dataset, DataConfig())
    written = write_splits(splits, tmp_path)
    paths = split_paths(tmp_path, "squad2_tiny")
    assert written == [paths["train"], paths["val"], paths["test"], paths["seed"]]
    record = json.loads(paths["seed"].read_text(encoding="utf-8"))
    assert record["seed"] == 20251101 and record["ratios"] == [0.7, 0.15, 0.15]
    assert record["dataset_content_hash"] == fixture_dataset.content_hash
    assert record["counts"] == {"train": len(splits.train), "val": len(splits.val), "test": len(splits.test)}
    assert sum(s["train"] + s["val"] + s["test"] for s in record["strata"]) == len(fixture_dataset.questions)
    assert load_splits(tmp_path, "squad2_tiny", dataset=fixture_dataset) == splits
    bare = load_splits(tmp_path, "squad2_tiny")
    assert (bare.test, bare.dataset.content_hash, bare.dataset.corpus) == (splits.test, splits.dataset.content_hash, ())


def test_load_splits_rejects_other_data(tmp_path: Path, fixture_dataset: Dataset) -> None:
    write_splits(build_splits(fixture_dataset, DataConfig()), tmp_path)
    changed = replace(fixture_dataset, content_hash="0" * 64)
    with pytest.raises(DataError, match=r"does not match the data set.*fix: rebuild the splits"):
        load_splits(tmp_path, "squad2_tiny", dataset=changed)
    with pytest.raises(DataError, match="file not found"):
        load_splits(tmp_path, "other")


def test_no_questions_to_split() -> None:
    empty = Dataset(tag="empty", corpus=(), questions=(), content_hash="h")
    with pytest.raises(DataError, match="no questions to split; fix:"):
        build_splits(empty, DataConfig())
