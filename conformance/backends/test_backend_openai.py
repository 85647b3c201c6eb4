"""The OpenAI-compatible backend against a real server: ``python -m llama_cpp.server`` on loopback."""

from __future__ import annotations

import json

import pytest

from harness.backends import GenerationRequest, Message, create_backend
from harness.backends._openai import OpenAIBackend
from harness.config import GenerationConfig, ModelSpec

SECRET = "sk-test-0123456789abcdef"


def _request(qid: str, question: str, max_tokens: int = 24, **kw: object) -> GenerationRequest:
    messages = (Message(role="system", content="Be brief."), Message(role="user", content=question))
    return GenerationRequest(qid=qid, messages=messages, max_tokens=max_tokens, **kw)  # type: ignore[arg-type]


@pytest.mark.slow
def test_generates_through_the_openai_client(llama_server: str) -> None:
    backend = create_backend(ModelSpec(provider="openai", name="embedded", host=llama_server), GenerationConfig())
    try:
        out = backend.generate([_request("a", "What is the capital of France?"), _request("b", "Tell a story.", 4)])
    finally:
        backend.close()
    assert [g.qid for g in out] == ["a", "b"] and all(g.error is None for g in out)
    assert out[0].text and out[0].prompt_tokens > 10 and out[0].completion_tokens > 0
    assert (out[1].completion_tokens, out[1].finish_reason) == (4, "length")


@pytest.mark.slow
def test_greedy_is_repeatable_and_json_mode_parses(llama_server: str) -> None:
    backend = create_backend(ModelSpec(provider="openai", name="embedded", host=llama_server), GenerationConfig())
    try:
        a, b = backend.generate([_request("a", "Name a colour."), _request("a", "Name a colour.")])
        (j,) = backend.generate([_request("j", "The capital of France as JSON with key city.", 96, json_output=True)])
    finally:
        backend.close()
    assert a.text == b.text
    assert j.finish_reason == "stop" and isinstance(json.loads(j.text), dict)


def test_key_never_appears_in_describe_or_errors(closed_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_TEST_KEY", SECRET)
    host = f"http://127.0.0.1:{closed_port}/v1?token={SECRET}"
    spec = ModelSpec(provider="openai", name="m", host=host, api_key_env="BENCH_TEST_KEY")
    backend = OpenAIBackend(spec, GenerationConfig(timeout_s=2, backoff_s=0))  # built directly: the server is down
    (g,) = backend.generate([_request("a", "hi")])
    info = backend.describe()
    backend.close()
    assert g.finish_reason == "error" and g.error is not None
    assert SECRET not in g.error and SECRET not in repr(info)
    assert info["api_key_env"] == "BENCH_TEST_KEY" and "***" in str(info["base_url"])


def test_a_json_schema_is_requested_as_json_schema_response_format() -> None:
    from harness.backends._openai import _optional_fields

    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    plain = _optional_fields(_request("j", "?", 8, json_output=True))
    constrained = _optional_fields(_request("j", "?", 8, json_output=True, json_schema=schema))
    assert plain == {"response_format": {"type": "json_object"}}
    assert constrained["response_format"] == {
        "type": "json_schema", "json_schema": {"name": "reply", "schema": schema, "strict": True}
    }  # fmt: skip
