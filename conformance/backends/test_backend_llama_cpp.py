"""Real generations with the embedded SmolLM2-135M GGUF through llama-cpp-python."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.backends import Backend, GenerationRequest, Message, create_backend
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError

pytestmark = pytest.mark.slow

EMBEDDED = ModelSpec(provider="llama_cpp", name="embedded", context_length=2048)
QUESTIONS = ("What is the capital of France?", "Name a primary colour.", "What is 2 + 2?")


def _request(qid: str, question: str, max_tokens: int = 16, **kw: object) -> GenerationRequest:
    messages = (Message(role="system", content="Be brief."), Message(role="user", content=question))
    return GenerationRequest(qid=qid, messages=messages, max_tokens=max_tokens, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def backend() -> Iterator[Backend]:
    backend = create_backend(EMBEDDED, GenerationConfig())
    yield backend
    backend.close()


def test_batch_keeps_order_and_counts_tokens(backend: Backend) -> None:
    requests = [_request(f"q{i}", q) for i, q in enumerate(QUESTIONS)]
    out = backend.generate(requests)
    assert [g.qid for g in out] == ["q0", "q1", "q2"]
    for g in out:
        assert g.error is None and g.text.strip()
        assert g.prompt_tokens > 10 and 0 < g.completion_tokens <= 16
        assert g.finish_reason in {"stop", "length"} and g.latency_s > 0
        assert float(g.extra["tokens_per_s"]) > 0  # type: ignore[arg-type]
    assert len({g.text for g in out}) == 3  # each answer belongs to its own question


def test_max_tokens_truncates_with_length(backend: Backend) -> None:
    (g,) = backend.generate([_request("q", "Tell me a long story about a dragon.", max_tokens=4)])
    assert g.completion_tokens == 4 and g.finish_reason == "length" and g.truncated


def test_greedy_is_repeatable_and_independent_of_batch_order(backend: Backend) -> None:
    first = backend.generate([_request("a", QUESTIONS[1]), _request("b", QUESTIONS[2])])
    second = backend.generate([_request("b", QUESTIONS[2]), _request("a", QUESTIONS[1])])
    assert [g.text for g in first] == [g.text for g in reversed(second)]


def test_json_output_is_parseable(backend: Backend) -> None:
    question = "Give the capital of France as a JSON object with the key city."
    (g,) = backend.generate([_request("j", question, max_tokens=96, json_output=True)])
    assert g.finish_reason == "stop", g
    assert isinstance(json.loads(g.text), dict)


def test_a_json_schema_constrains_the_reply_to_its_keys(backend: Backend) -> None:
    """The judge's verdict schema becomes a grammar: the embedded model can only write those keys, in that shape."""
    from harness.judge import parse_verdict
    from harness.judge._rubric import PARTS, SCORE_STEPS, VERDICT_SCHEMA

    question = "Grade the answer 'Paris' to 'What is the capital of France?' as JSON."
    (g,) = backend.generate([_request("s", question, max_tokens=160, json_output=True, json_schema=VERDICT_SCHEMA)])
    data = json.loads(g.text)
    assert set(data) == {*PARTS, "rationale"} and all(data[p] in SCORE_STEPS for p in PARTS), g.text
    assert isinstance(data["rationale"], str) and len(data["rationale"]) <= 200
    parse_verdict(g.text)  # a valid verdict, by construction


def test_describe_names_file_hash_quantization_and_engine(backend: Backend, gguf: Path) -> None:
    info = backend.describe()
    assert info["provider"] == "llama_cpp" and info["model_path"] == str(gguf)
    assert info["sha256"] == hashlib.sha256(gguf.read_bytes()).hexdigest()
    assert info["quantization"] == "Q4_1" and info["engine_version"] == "0.3.36" and info["n_ctx"] == 2048


def test_prompt_longer_than_context_is_an_error_record_not_a_crash() -> None:
    small = ModelSpec(provider="llama_cpp", name="embedded", context_length=128)
    backend = create_backend(small, GenerationConfig())
    try:
        out = backend.generate([_request("long", "word " * 400), _request("ok", QUESTIONS[0], max_tokens=8)])
    finally:
        backend.close()
    assert out[0].finish_reason == "error" and out[0].text == ""
    assert "context_length" in str(out[0].error) and "max_tokens" in str(out[0].error)
    assert out[1].error is None and out[1].text


def test_closed_backend_refuses_to_generate() -> None:
    backend = create_backend(EMBEDDED, GenerationConfig())
    backend.close()
    backend.close()  # idempotent
    with pytest.raises(BackendError, match="is closed"):
        backend.generate([_request("q", QUESTIONS[0])])


def test_model_path_overrides_the_spec(gguf: Path) -> None:
    spec = ModelSpec(provider="llama_cpp", name="/nowhere/base.gguf", context_length=256)
    backend = create_backend(spec, GenerationConfig(), model_path=gguf)
    try:
        assert backend.describe()["model_path"] == str(gguf)
    finally:
        backend.close()
