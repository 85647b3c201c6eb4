"""The Ollama backend through the real ``ollama`` client against a stdlib fake of the Ollama HTTP API."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from harness.backends import GenerationRequest, Message, check_available, create_backend
from harness.config import GenerationConfig, ModelSpec
from harness.errors import ModelUnavailable

if TYPE_CHECKING:
    from conformance.backends.conftest import FakeOllama  # the fixture's type, for readers; not imported at run time

TAG = {"name": "qwen2.5:0.5b", "model": "qwen2.5:0.5b", "digest": "abc123", "details": {"quantization_level": "Q4_K_M"}}


def _spec(host: str, name: str = "qwen2.5:0.5b") -> ModelSpec:
    return ModelSpec(provider="ollama", name=name, host=host, context_length=4096)


def _request(qid: str, question: str, max_tokens: int = 8, **kw: object) -> GenerationRequest:
    messages = (Message(role="system", content="Be brief."), Message(role="user", content=question))
    return GenerationRequest(qid=qid, messages=messages, max_tokens=max_tokens, **kw)  # type: ignore[arg-type]


def test_tag_not_pulled_says_ollama_pull(fake_ollama: FakeOllama) -> None:
    with pytest.raises(ModelUnavailable, match=re.escape("name=llama3.2 is not pulled")) as info:
        check_available(_spec(fake_ollama.host, "llama3.2"))
    assert info.value.remedy == "ollama pull llama3.2"


def test_pulled_tag_is_available(fake_ollama: FakeOllama) -> None:
    fake_ollama.tags.append(TAG)
    check_available(_spec(fake_ollama.host))
    fake_ollama.tags[0] = {**TAG, "name": "phi3:latest", "model": "phi3:latest"}
    check_available(_spec(fake_ollama.host, "phi3"))  # a bare name means :latest


def test_generate_maps_options_tokens_and_finish_reason(fake_ollama: FakeOllama) -> None:
    fake_ollama.tags.append(TAG)
    backend = create_backend(_spec(fake_ollama.host), GenerationConfig(timeout_s=5))
    out = backend.generate([_request("a", "hi"), _request("b", "one two three four five six seven", max_tokens=3)])
    assert [(g.qid, g.text, g.finish_reason) for g in out] == [
        ("a", "echo: hi", "stop"),
        ("b", "echo: one two", "length"),
    ]
    assert (out[1].prompt_tokens, out[1].completion_tokens, out[1].extra["engine_tokens_per_s"]) == (11, 3, 6.0)
    # request "a"'s body: the two requests are in flight together, so either may have arrived first
    options = next(c for c in fake_ollama.chats if c["messages"][-1]["content"] == "hi")["options"]
    assert {k: options[k] for k in ("temperature", "seed", "num_predict", "num_ctx")} == {
        "temperature": 0.0,
        "seed": 0,
        "num_predict": 8,
        "num_ctx": 4096,
    }
    assert backend.describe()["digest"] == "abc123" and backend.describe()["quantization"] == "Q4_K_M"
    backend.close()


def test_json_output_sends_format_json(fake_ollama: FakeOllama) -> None:
    fake_ollama.tags.append(TAG)
    backend = create_backend(_spec(fake_ollama.host), GenerationConfig(timeout_s=5))
    (g,) = backend.generate([_request("j", "city?", json_output=True)])
    assert fake_ollama.chats[0]["format"] == "json" and json.loads(g.text) == {"answer": "echo"}


def test_server_error_is_recorded_and_the_batch_goes_on(fake_ollama: FakeOllama) -> None:
    fake_ollama.tags.append(TAG)
    # The fake fails the first request to arrive: one in flight makes that request "a".
    backend = create_backend(_spec(fake_ollama.host), GenerationConfig(timeout_s=5, max_retries=0, concurrency=1))
    fake_ollama.fail_next = True
    out = backend.generate([_request("a", "hi"), _request("b", "hi")])
    assert out[0].finish_reason == "error" and "HTTP 500 (server error; ResponseError: model runner crashed" in str(
        out[0].error
    )
    assert out[1].text == "echo: hi"


def test_a_transient_server_error_is_retried(fake_ollama: FakeOllama) -> None:
    fake_ollama.tags.append(TAG)
    backend = create_backend(_spec(fake_ollama.host), GenerationConfig(timeout_s=5, backoff_s=0))
    fake_ollama.fail_next = True
    (out,) = backend.generate([_request("a", "hi")])
    assert (out.text, out.error, out.extra["attempts"], len(fake_ollama.chats)) == ("echo: hi", None, 2, 2)


def test_a_json_schema_is_sent_as_the_format(fake_ollama: FakeOllama) -> None:
    fake_ollama.tags.append(TAG)
    backend = create_backend(_spec(fake_ollama.host), GenerationConfig(timeout_s=5))
    schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
    backend.generate([_request("j", "city?", json_output=True, json_schema=schema)])
    assert fake_ollama.chats[0]["format"] == schema
