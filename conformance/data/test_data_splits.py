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
    stratum_of,
    write_splits,
)
from harness.errors import DataError

TASKS: tuple[TaskType, ...] = ("grounded", "synthesis", "refusal")
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
    strata = draw(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(TASKS)), min_size=1, max_size=40))
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


def test_questions_without_gold_documents_share_one_stratum() -> None:
    q = Question(qid="q", question="?", answers=(), answerable=False, gold_doc_ids=(), task_type="refusal")
    assert stratum_of(q) == ("", "refusal")


def test_allocate_gives_exact_shares_when_they_are_whole() -> None:
    assert allocate([4, 20], (0.5, 0.25, 0.25)) == [(2, 1, 1), (10, 5, 5)]
    assert allocate([8], (2, 1, 1)) == [(4, 2, 2)]  # ratios are shares of their sum


def test_allocate_gives_leftovers_to_the_splits_furthest_behind() -> None:
    """By hand: size 2 -> ideal (1.4, 0.3, 0.3), floors (1, 0, 0), the one left over to train: (2, 0, 0), deficits
    (-0.6, 0.3, 0.3). Size 10 -> ideal (7, 1.5, 1.5), floors (7, 1, 1), deficits (-0.6, 0.8, 0.8): the one left
    over goes to val (tied with test, the earlier split wins). A whole 7 must stay 7, not become 6 + a leftover."""
    assert allocate([2, 10], (0.7, 0.15, 0.15)) == [(2, 0, 0), (7, 2, 1)]


def test_splits_record_the_ratios_they_were_built_with(fixture_dataset: Dataset) -> None:
    assert build_splits(fixture_dataset, DataConfig(ratios=(0.8, 0.1, 0.1))).ratios == (0.8, 0.1, 0.1)


def tiny_splits(tag: str = "café") -> Splits:
    qs = [make_question(1, 1, "grounded"), make_question(2, 1, "refusal"), make_question(3, 2, "grounded")]
    dataset = Dataset(tag=tag, corpus=(), questions=tuple(qs), content_hash="h1")
    return Splits(dataset=dataset, seed=7, train=(qs[0], qs[2]), val=(), test=(qs[1],), ratios=(0.5, 0.25, 0.25))


# The seed record of tiny_splits(), as a person would write it: sorted keys, two-space indent, real UTF-8.
TINY_RECORD = """{
  "counts": {
    "test": 1,
    "train": 2,
    "val": 0
  },
  "dataset_content_hash": "h1",
  "format_version": 1,
  "ratios": [
    0.5,
    0.25,
    0.25
  ],
  "seed": 7,
  "strata": [
    {
      "gold_doc_id": "d1",
      "task_type": "grounded",
      "test": 0,
      "train": 1,
      "val": 0
    },
    {
      "gold_doc_id": "d1",
      "task_type": "refusal",
      "test": 1,
      "train": 0,
      "val": 0
    },
    {
      "gold_doc_id": "d2",
      "task_type": "grounded",
      "test": 0,
      "train": 1,
      "val": 0
    }
  ],
  "tag": "café"
}
"""


def test_seed_record_is_readable_json(tmp_path: Path) -> None:
    write_splits(tiny_splits(), tmp_path)
    assert (tmp_path / "café_split_seed.json").read_bytes() == TINY_RECORD.encode("utf-8")


def test_split_files_round_trip_without_the_data_set(tmp_path: Path) -> None:
    splits = tiny_splits()
    write_splits(splits, tmp_path)
    bare = load_splits(tmp_path, "café")
    assert (bare.seed, bare.ratios, bare.train, bare.test) == (7, (0.5, 0.25, 0.25), splits.train, splits.test)
    assert (bare.dataset.tag, bare.dataset.content_hash) == ("café", "h1")


def test_record_without_a_hash_gives_an_empty_hash(tmp_path: Path) -> None:
    write_splits(tiny_splits(), tmp_path)
    path = tmp_path / "café_split_seed.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["dataset_content_hash"]
    path.write_text(json.dumps(record), encoding="utf-8")
    assert load_splits(tmp_path, "café").dataset.content_hash == ""


@pytest.mark.parametrize("tag", ["", "a/b", "a\\b", "a\0b"], ids=["empty", "slash", "backslash", "nul"])
def test_tag_that_is_not_a_plain_name_is_refused(tmp_path: Path, tag: str) -> None:
    with pytest.raises(DataError) as info:
        split_paths(tmp_path, tag)
    assert str(info.value) == f"tag={tag!r} would name files outside {tmp_path}; fix: use a plain name such as my_data"


FIX_RECORD = "fix: rebuild it with `harness split`"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"ratios": [0.5, 0.5]}, "wrong shape"),
        ({"seed": "7"}, "wrong shape"),
        ({"ratios": ["x", 0, 0]}, "could not convert string to float: 'x'"),
        ({"seed": None, "ratios": None}, "'NoneType' object is not iterable"),
    ],
    ids=["two-ratios", "text-seed", "text-ratio", "null-ratios"],
)
def test_malformed_seed_record_is_refused(tmp_path: Path, change: dict[str, object], reason: str) -> None:
    write_splits(tiny_splits("t"), tmp_path)
    path = tmp_path / "t_split_seed.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), **change}), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_splits(tmp_path, "t")
    assert str(info.value) == f"{path}: not a valid split record ({reason}); {FIX_RECORD}"


def test_seed_record_without_ratios_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t_split_seed.json"
    path.write_text('{"seed": 7}', encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_splits(tmp_path, "t")
    assert str(info.value) == f"{path}: not a valid split record ('ratios'); {FIX_RECORD}"


def test_splits_of_another_data_set_name_the_recorded_hash(tmp_path: Path) -> None:
    splits = tiny_splits("t")
    write_splits(splits, tmp_path)
    other = replace(splits.dataset, content_hash="h2")
    with pytest.raises(DataError) as info:
        load_splits(tmp_path, "t", dataset=other)
    assert str(info.value) == (
        f"{tmp_path}/t_split_seed.json: dataset_content_hash='h1' does not match the data set 't' (h2); "
        "the data changed since the split was made; fix: rebuild the splits with `harness split`"
    )


def test_split_naming_questions_the_data_set_lacks_is_refused(tmp_path: Path) -> None:
    splits = tiny_splits("t")
    write_splits(splits, tmp_path)
    fewer = replace(splits.dataset, questions=splits.dataset.questions[1:2])  # only q0002, the test question
    with pytest.raises(DataError) as info:
        load_splits(tmp_path, "t", dataset=fewer)
    assert str(info.value) == (
        f"{tmp_path}/t_train.jsonl: qid='q0001' (and 1 more) not in data set 't'; "
        "fix: rebuild the splits with `harness split`"
    )
