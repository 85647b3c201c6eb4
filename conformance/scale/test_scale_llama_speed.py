"""llama.cpp goes faster without changing an answer: shared-prefix reuse and parallel sequences.

The reference is the plain way: one llama-cpp-python model whose cache is reset before every prompt.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from conformance.scale._fixture_prompts import fixture_requests
from harness.backends import GenerationRequest, create_backend, embedded_gguf_path
from harness.backends._batch import chat_messages
from harness.backends._llama_cpp import LlamaCppBackend, parallel_sequences
from harness.config import GenerationConfig, ModelSpec

pytestmark = pytest.mark.slow

EMBEDDED = ModelSpec(provider="llama_cpp", name="embedded", quantization="Q4_1", context_length=2048)


@pytest.fixture(scope="module")
def requests(tmp_path_factory: pytest.TempPathFactory) -> list[GenerationRequest]:
    return fixture_requests(tmp_path_factory.mktemp("cache"), n=6, max_tokens=32)


def _fresh_cache_answers(requests: Sequence[GenerationRequest]) -> list[str]:
    import llama_cpp

    llm: Any = llama_cpp.Llama(model_path=str(embedded_gguf_path()), n_ctx=2048, seed=0, n_threads=1, verbose=False)
    try:
        answers = []
        for r in requests:
            llm.reset()
            out = llm.create_chat_completion(
                messages=chat_messages(r.messages), temperature=0.0, max_tokens=r.max_tokens, seed=r.seed
            )
            answers.append(str(out["choices"][0]["message"]["content"]))
        return answers
    finally:
        llm.close()


def test_prefix_reuse_and_parallel_sequences_give_the_answers_of_a_fresh_cache(
    requests: list[GenerationRequest],
) -> None:
    reference = _fresh_cache_answers(requests)
    assert len(set(reference)) > 1
    sequential = create_backend(EMBEDDED, GenerationConfig(parallel_sequences=1))
    try:  # one instance: every prompt after the first reuses the previous prompt's cached prefix
        assert [g.text for g in sequential.generate(requests)] == reference
        assert [g.text for g in sequential.generate(requests[::-1])] == reference[::-1]
    finally:
        sequential.close()
    # The backend sorts each batch by prompt, so both calls above ran in one order; in request order, in two orders:
    unsorted = LlamaCppBackend(
        EMBEDDED, GenerationConfig(parallel_sequences=1), embedded_gguf_path(), prefix_order=False
    )
    try:
        assert [g.text for g in unsorted.generate(requests)] == reference
        assert [g.text for g in unsorted.generate(requests[::-1])] == reference[::-1]
    finally:
        unsorted.close()
    parallel = create_backend(EMBEDDED, GenerationConfig(parallel_sequences=2))
    try:
        out = parallel.generate(requests)
    finally:
        parallel.close()
    assert [g.qid for g in out] == [r.qid for r in requests] and [g.text for g in out] == reference


def test_parallel_sequences_default_to_one_per_core_and_one_on_a_gpu() -> None:
    gen = GenerationConfig(batch_size=8)
    assert parallel_sequences(EMBEDDED, gen, cores=2) == 2
    assert parallel_sequences(EMBEDDED, GenerationConfig(batch_size=1), cores=16) == 1
    assert parallel_sequences(EMBEDDED, GenerationConfig(parallel_sequences=3), cores=2) == 3
    gpu = ModelSpec(provider="llama_cpp", name="m.gguf", requires_gpu=True)
    assert parallel_sequences(gpu, GenerationConfig(parallel_sequences=4), cores=8) == 1


def test_omp_num_threads_caps_the_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.backends import thread_budget

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    cores = thread_budget()
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert thread_budget() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not-a-number")
    assert thread_budget() == cores


def test_a_failed_request_leaves_the_next_answer_unchanged(tmp_path: Path, requests: list[GenerationRequest]) -> None:
    import dataclasses

    from harness.backends import Message

    small = dataclasses.replace(EMBEDDED, context_length=512)
    too_long = GenerationRequest(qid="long", messages=(Message(role="user", content="word " * 600),), max_tokens=8)
    backend = create_backend(small, GenerationConfig(parallel_sequences=1))
    try:
        first = backend.generate([requests[0]])[0]
        # One call each: in one batch the backend's prefix order would answer the failing prompt last.
        out = [backend.generate([too_long])[0], backend.generate([requests[0]])[0]]
    finally:
        backend.close()
    assert out[0].error is not None and out[1].text == first.text
