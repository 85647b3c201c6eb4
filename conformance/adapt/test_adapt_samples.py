"""Training samples: recipes, the 60/20/20 mix, the shared prompt format, and data errors."""

from __future__ import annotations

import dataclasses
import re

import pytest

from harness.adapt.data import MIN_TRAIN_SAMPLES, mix_counts, split_samples
from harness.config import AdaptationConfig
from harness.data import Splits
from harness.errors import DataError
from harness.prompting import NO_RETRIEVAL_SYSTEM_PROMPT, REFUSAL_SENTENCE, SYSTEM_PROMPT


def test_rag_trained_mix_follows_the_configured_shares(make_condition, toy_splits: Splits) -> None:
    train, val = split_samples(make_condition(max_train_samples=None), toy_splits)
    kinds = [s.kind for s in train]
    assert len(train) == len(toy_splits.train) == 24
    assert mix_counts(24, AdaptationConfig()) == {"grounded": 14, "synthesis": 5, "refusal": 5}
    assert (kinds.count("grounded"), kinds.count("synthesis"), kinds.count("refusal")) == (14, 5, 5)
    assert len(val) == 6


def test_samples_use_the_evaluation_prompt_and_numbered_passages(make_condition, toy_splits: Splits) -> None:
    train, _ = split_samples(make_condition(), toy_splits)
    for sample in train:
        system, user, answer = sample.messages
        assert (system.role, user.role, answer.role) == ("system", "user", "assistant")
        assert system.content == SYSTEM_PROMPT
        assert re.search(r"^\[1\] History of \w+.*: ", user.content, flags=re.MULTILINE)
        assert any(line.startswith("Question: ") for line in user.content.splitlines())


def test_grounded_answers_cite_the_passage_that_holds_them(make_condition, toy_splits: Splits) -> None:
    train, _ = split_samples(make_condition(), toy_splits)
    grounded = [s for s in train if s.kind == "grounded"]
    assert grounded
    for sample in grounded:
        cited = int(re.findall(r"\[(\d+)\]", sample.answer.content)[0])
        passage = re.search(rf"^\[{cited}\] [^:]+: (.*)$", sample.messages[1].content, flags=re.MULTILINE)
        assert passage is not None
        assert sample.answer.content.split(" [")[0] in passage.group(1)


def test_refusals_answer_with_the_shared_refusal_sentence(make_condition, toy_splits: Splits) -> None:
    train, _ = split_samples(make_condition(max_train_samples=None), toy_splits)
    refusals = [s for s in train if s.kind == "refusal"]
    assert refusals and all(s.answer.content == REFUSAL_SENTENCE for s in refusals)


def test_samples_come_from_the_train_split_only_and_are_seeded(make_condition, toy_splits: Splits) -> None:
    train, val = split_samples(make_condition(), toy_splits)
    train_ids, val_ids = {q.qid for q in toy_splits.train}, {q.qid for q in toy_splits.val}
    assert all(set(s.source_ids) <= train_ids for s in train)
    assert all(set(s.source_ids) <= val_ids for s in val)
    assert split_samples(make_condition(), toy_splits) == (train, val)
    assert split_samples(make_condition(seed=99), toy_splits)[0] != train


def test_instruction_recipe_is_closed_book_question_to_gold_answer(make_condition, toy_splits: Splits) -> None:
    train, _ = split_samples(make_condition(recipe="instruction"), toy_splits)
    answers = {q.qid: q.answers[0] for q in toy_splits.train if q.answers}
    assert {s.kind for s in train} == {"instruction"}
    for sample in train:
        assert sample.messages[0].content == NO_RETRIEVAL_SYSTEM_PROMPT
        assert sample.answer.content == answers[sample.source_ids[0]]


def test_too_little_training_data_names_the_count_and_the_minimum(make_condition, toy_splits: Splits) -> None:
    small = dataclasses.replace(toy_splits, train=toy_splits.train[:5])
    with pytest.raises(DataError, match=rf"gives 5 training samples .* at least {MIN_TRAIN_SAMPLES} are needed"):
        split_samples(make_condition(), small)


def test_a_split_without_refusal_examples_says_so_and_the_fix(make_condition, toy_splits: Splits) -> None:
    answerable_only = dataclasses.replace(toy_splits, train=tuple(q for q in toy_splits.train if q.answerable))
    with pytest.raises(DataError, match=r"train split has no refusal examples .*mix.refusal: 0"):
        split_samples(make_condition(), answerable_only)
    assert split_samples(make_condition(recipe="instruction"), answerable_only)[0]
