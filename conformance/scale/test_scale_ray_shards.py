"""Evaluation sharded across Ray workers (local instance) answers exactly as the in-process backend does."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from conformance.scale._fixture_prompts import condition, fixture_requests
from conformance.scale._small_data import small_dataset
from harness.backends import Generation, create_backend
from harness.config import GenerationConfig, ModelSpec
from harness.errors import ModelUnavailable
from harness.run import RunOptions, run_condition
from harness.scale import RayShardedBackend, shard_generate

pytestmark = pytest.mark.slow

EMBEDDED = ModelSpec(provider="llama_cpp", name="embedded", quantization="Q4_1", context_length=2048)
GENERATION = GenerationConfig(parallel_sequences=1)


def test_sharded_answers_equal_in_process_answers_in_request_order(ray_local: Any, tmp_path: Path) -> None:
    requests = fixture_requests(tmp_path, n=5, max_tokens=24)
    local = create_backend(EMBEDDED, GENERATION)
    try:
        expected, identity = local.generate(requests), dict(local.describe())
    finally:
        local.close()
    sharded = RayShardedBackend(EMBEDDED, GENERATION, shards=2)
    try:
        assert dict(sharded.describe()) == identity  # so both share one generation journal
        out = sharded.generate(requests)
    finally:
        sharded.close()
    assert [g.qid for g in out] == [r.qid for r in requests]
    assert [_fields(g) for g in out] == [_fields(g) for g in expected]


def _fields(g: Generation) -> tuple[object, ...]:
    return (g.qid, g.text, g.prompt_tokens, g.completion_tokens, g.finish_reason, g.error)


def test_shard_generate_with_more_shards_than_requests(ray_local: Any, tmp_path: Path) -> None:
    requests = fixture_requests(tmp_path, n=1, max_tokens=8)
    (only,) = shard_generate(EMBEDDED, GENERATION, requests, shards=2)
    assert only.qid == requests[0].qid and only.error is None


def test_a_missing_model_is_unavailable_before_any_worker_starts(tmp_path: Path) -> None:
    missing = ModelSpec(provider="llama_cpp", name=str(tmp_path / "absent.gguf"))
    with pytest.raises(ModelUnavailable, match=r"absent\.gguf not found"):
        RayShardedBackend(missing, GENERATION, shards=2)


def test_a_sharded_run_and_an_in_process_run_share_the_answer_journal(ray_local: Any, tmp_path: Path) -> None:
    cond = condition()
    opts = RunOptions(dataset=small_dataset(tmp_path / "data"), cache_dir=tmp_path / "cache",
                      reports_dir=tmp_path / "reports", run_id="sharded", max_questions=3, ray_shards=2)  # fmt: skip
    sharded = run_condition(cond, opts)
    local = run_condition(cond, dataclasses.replace(opts, run_id="local", ray_shards=None))
    tokens = sharded.context["generations"]["prompt_tokens"]
    assert sharded.context["generations"] == {"generated": 3, "reused": 0, "prompt_tokens": tokens, "concurrency": None}
    assert 0 < tokens["evaluated"] <= tokens["submitted"]  # the actors' answers carry their engines' counts
    assert local.context["generations"] == {
        "generated": 0, "reused": 3, "prompt_tokens": {"submitted": 0, "evaluated": 0}, "concurrency": None,
    }  # fmt: skip
    assert local.records == sharded.records
