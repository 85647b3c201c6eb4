"""The OpenAI-compatible backend against llama.cpp's ``llama-server`` with parallel slots: requests really overlap
on the server (several slots busy at once), answers come back in request order, and none is an error."""

from __future__ import annotations

import re

import pytest

from conformance.llama_server import ServedModel
from harness.backends import GenerationRequest, Message
from harness.backends._openai import OpenAIBackend
from harness.config import GenerationConfig, ModelSpec

pytestmark = pytest.mark.slow
QUESTIONS = ("What is the capital of France?", "Name a colour.", "Count to five.", "What is water made of?",
             "Name a planet.", "What do bees make?", "Say hello.", "Name a fruit.")  # fmt: skip
_SLOT = re.compile(r"slot\s+\w+: id\s+(\d+) \| task \d+ \| processing task")


def _requests() -> list[GenerationRequest]:
    def one(n: int, question: str) -> GenerationRequest:
        messages = (Message(role="system", content="Be brief."), Message(role="user", content=question))
        return GenerationRequest(qid=f"q{n}", messages=messages, max_tokens=24)

    return [one(n, q) for n, q in enumerate(QUESTIONS)]


def test_requests_fill_the_servers_slots_and_answers_keep_request_order(concurrent_llama_server: ServedModel) -> None:
    spec = ModelSpec(provider="openai", name="embedded", host=concurrent_llama_server.url)
    backend = OpenAIBackend(spec, GenerationConfig(concurrency=concurrent_llama_server.parallel))
    try:
        gens = backend.generate(_requests())
    finally:
        backend.close()
    assert [g.qid for g in gens] == [f"q{n}" for n in range(len(QUESTIONS))]
    assert all(g.error is None and g.completion_tokens > 0 for g in gens), [g.error for g in gens]
    slots = {int(m) for m in _SLOT.findall(concurrent_llama_server.log.read_text(errors="replace"))}
    assert len(slots) == concurrent_llama_server.parallel, f"slots used: {sorted(slots)}"
