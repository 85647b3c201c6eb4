"""The leak check: planted near-duplicates are caught and named; the shipped fixture is clean, quickly."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.config import DataConfig
from harness.data import Dataset, Question, Splits, build_splits, check_leaks, find_leaks
from harness.errors import LeakError


@pytest.fixture(scope="module")
def fixture_splits(fixture_dataset: Dataset) -> Splits:
    return build_splits(fixture_dataset, DataConfig())


def test_fixture_has_no_leaks_and_checks_fast(fixture_splits: Splits) -> None:
    start = time.perf_counter()
    check_leaks(fixture_splits, 0.9)
    assert time.perf_counter() - start < 2.0


def planted(splits: Splits, twin_text: str) -> Splits:
    twin = replace(splits.train[0], qid="planted", question=twin_text)
    return replace(splits, val=(*splits.val, twin))


def test_planted_near_duplicate_is_named(fixture_splits: Splits) -> None:
    target = fixture_splits.test[7]
    leaky = planted(fixture_splits, target.question.upper().replace("?", " !!"))
    with pytest.raises(LeakError) as info:
        check_leaks(leaky, 0.9)
    message = str(info.value)
    assert f"test qid={target.qid}" in message and "val qid=planted" in message and "(Jaccard 1.000)" in message
    assert "(1 problem)" in message and "fix:" in message


PERTURB = st.sampled_from(["upper", "punctuation", "article", "reorder"])


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 299), PERTURB)
def test_perturbed_copies_are_caught(fixture_splits: Splits, position: int, how: str) -> None:
    target = fixture_splits.test[position % len(fixture_splits.test)]
    words = target.question.split()
    text = {
        "upper": target.question.upper(),
        "punctuation": target.question.replace(" ", ", "),
        "article": "The " + target.question,
        "reorder": " ".join(reversed(words)),
    }[how]
    leaks = find_leaks(planted(fixture_splits, text), 0.9)
    assert [(leak.test.qid, leak.other.qid, leak.similarity) for leak in leaks] == [(target.qid, "planted", 1.0)]


def test_near_but_not_equal_respects_the_threshold() -> None:
    def q(qid: str, text: str) -> Question:
        return Question(
            qid=qid, question=text, answers=("x",), answerable=True, gold_doc_ids=("d",), task_type="grounded"
        )

    words = " ".join(f"w{i}" for i in range(10))
    ds = Dataset(tag="t", corpus=(), questions=(), content_hash="h")
    splits = Splits(dataset=ds, seed=0, train=(q("a", words + " extra"),), val=(), test=(q("b", words),))
    assert find_leaks(splits, 0.95) == []
    [leak] = find_leaks(splits, 0.9)
    assert (leak.other_split, round(leak.similarity, 4)) == ("train", round(10 / 11, 4))


def test_a_run_fails_on_a_leaking_data_set(tmp_path: Path) -> None:
    """The run's split stage (not only the leak checker on its own) refuses a data set whose test questions also
    appear in train: the same question asked of every document lands in every split."""
    import dataclasses

    from harness.cache import Cache
    from harness.config import load_matrix
    from harness.data import load_dataset
    from harness.errors import LeakError
    from harness.run._stages import prepare_splits

    root = Path(__file__).resolve().parents[2]
    full = load_dataset(root / "fixtures" / "squad2_tiny")
    repeated = tuple(dataclasses.replace(q, question="What is the name of the river that runs through the city?")
                     if i % 7 == 0 else q for i, q in enumerate(full.questions))  # fmt: skip
    leaking = dataclasses.replace(full, questions=repeated, content_hash="leaking-v1")
    cond = load_matrix(root / "configs").condition("rag_baseline_tiny")
    with pytest.raises(LeakError, match="What is the name of the river"):
        prepare_splits(cond, leaking, Cache(tmp_path / "cache"), lambda _m: None)
    assert not list((tmp_path / "cache").rglob("split*.jsonl"))  # nothing leaking was cached for a later run


def question(qid: str, text: str) -> Question:
    return Question(qid=qid, question=text, answers=("x",), answerable=True, gold_doc_ids=("d",), task_type="grounded")


def test_leak_error_lists_each_pair_with_both_texts() -> None:
    ds = Dataset(tag="t", corpus=(), questions=(), content_hash="h")
    train = (question("a", "Who ruled the Normans?"), question("c", "Where is the Nile?"))
    test = (question("b", "who ruled normans"), question("d", "Where is the Amazon?"))
    splits = Splits(dataset=ds, seed=0, train=train, val=(), test=test)
    with pytest.raises(LeakError) as info:
        check_leaks(splits, 0.9)
    assert str(info.value).splitlines() == [
        "data set 't': test questions near-duplicate train/val questions at threshold 0.9; fix: remove or reword "
        "one of each pair in questions.jsonl (the SQuAD importer drops them for you) (1 problem):",
        '  test qid=b "who ruled normans" ~ train qid=a "Who ruled the Normans?" (Jaccard 1.000)',
    ]
