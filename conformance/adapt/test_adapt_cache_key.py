"""The adaptation cache key: what changes the trained model changes the key (no model is trained here)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from harness.adapt import adaptation_key, resolve_base
from harness.adapt.data import split_samples
from harness.config import Condition
from harness.data import Splits


def test_the_key_follows_the_base_weights_the_data_and_the_recipe(
    make_condition: Callable[..., Condition], toy_splits: Splits, monkeypatch: pytest.MonkeyPatch
) -> None:
    condition = make_condition()
    base = resolve_base(condition.adaptation.base_model)
    train, val = split_samples(condition, toy_splits)
    samples = [*train, *val]
    key = adaptation_key(condition, toy_splits, base, None, samples)
    assert key == adaptation_key(condition, toy_splits, base, None, samples)  # deterministic
    other_weights = dataclasses.replace(base, sha256="0" * 64)  # same name and path, different weights
    assert adaptation_key(condition, toy_splits, other_weights, None, samples) != key
    assert adaptation_key(condition, toy_splits, base, None, samples[:-1]) != key
    assert adaptation_key(make_condition(rank=8), toy_splits, base, None, samples) != key
    reseeded = dataclasses.replace(toy_splits, seed=8)
    assert adaptation_key(condition, reseeded, base, None, samples) != key
    monkeypatch.setattr("harness.adapt._cache_key.llama_cpp_version", lambda: "9.9.9")  # other converters, other GGUFs
    assert adaptation_key(condition, toy_splits, base, None, samples) != key
