"""Served concurrency: the OpenAI-compatible backend against llama.cpp's ``llama-server`` with ``--parallel N`` slots
(continuous batching), serving the embedded model, on the tiny RAG condition's prompts.

Two ratios, every arm sending the same requests to the same server, interleaved round after round:

- ``ratio_vs_plain_client``: harness answers/s at concurrency N / a plain asyncio client (aiohttp, a semaphore of N)
  at the same N. Target >= 0.9: the harness's pool, retries and bookkeeping cost at most a tenth.
- ``speedup_vs_sequential``: harness at concurrency N / harness at concurrency 1 (what the server's slots give).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from benchmarks.perf._perf import interleaved, median, record, size
from conformance.llama_server import ServedModel, serving
from harness.backends import GenerationRequest
from harness.backends._batch import chat_messages
from harness.backends._openai import OpenAIBackend
from harness.config import Condition, GenerationConfig, ModelSpec
from harness.run import ConditionResult, RunOptions, run_condition

TARGET = 0.9
SLOTS = 4


@pytest.fixture(scope="module")
def slots_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedModel]:
    cores = len(os.sched_getaffinity(0))
    with serving(tmp_path_factory.mktemp("served"), parallel=SLOTS, threads=cores) as served:
        yield served


def _harness(served: ServedModel, generation: GenerationConfig, concurrency: int) -> OpenAIBackend:
    spec = ModelSpec(provider="openai", name="embedded", host=served.url)
    return OpenAIBackend(spec, dataclasses.replace(generation, concurrency=concurrency, max_retries=0))


def _body(request: GenerationRequest) -> dict[str, object]:
    """What the harness's client sends for ``request`` (openai-python's chat.completions.create body)."""
    return {"model": "embedded", "messages": chat_messages(request.messages), "temperature": request.temperature,
            "top_p": request.top_p, "max_tokens": request.max_tokens, "seed": request.seed,
            **({"stop": list(request.stop)} if request.stop else {})}  # fmt: skip


def _plain_client(url: str, requests: Sequence[GenerationRequest], concurrency: int) -> list[str]:
    """The plain counterpart: one aiohttp session, at most ``concurrency`` requests in flight."""
    import aiohttp

    async def main() -> list[str]:
        gate = asyncio.Semaphore(concurrency)
        async with aiohttp.ClientSession() as session:

            async def one(request: GenerationRequest) -> str:
                async with gate, session.post(f"{url}/chat/completions", json=_body(request)) as response:
                    response.raise_for_status()
                    return str((await response.json())["choices"][0]["message"]["content"])

            return list(await asyncio.gather(*(one(r) for r in requests)))

    return asyncio.run(main())


def test_concurrency_against_a_server_with_parallel_slots(
    benchmark: Any, baseline: Condition, prepared: tuple[RunOptions, ConditionResult], slots_server: ServedModel
) -> None:
    n, rounds = size(24, 8), size(3, 2)
    opts = dataclasses.replace(prepared[0], max_questions=n, run_id="concurrency")
    requests = list(run_condition(baseline, opts).requests)
    at_n, at_1 = _harness(slots_server, baseline.generation, SLOTS), _harness(slots_server, baseline.generation, 1)
    answers: dict[str, list[str]] = {}
    errors: list[str] = []

    def harness(backend: OpenAIBackend, name: str) -> None:
        gens = backend.generate(requests)
        errors.extend(str(g.error) for g in gens if g.error)
        answers[name] = [g.text for g in gens]

    def plain() -> None:
        answers["plain"] = _plain_client(slots_server.url, requests, SLOTS)

    arms = {"harness_n": lambda: harness(at_n, "harness_n"), "plain_n": plain,
            "harness_1": lambda: harness(at_1, "harness_1")}  # fmt: skip
    try:
        seconds = benchmark.pedantic(interleaved, args=(arms, rounds), rounds=1)
    finally:
        at_n.close()
        at_1.close()
    rate = {name: n / median(s) for name, s in seconds.items()}
    ratio, speedup = rate["harness_n"] / rate["plain_n"], rate["harness_n"] / rate["harness_1"]
    same = sum(a == b for a, b in zip(answers["harness_n"], answers["plain"], strict=True))
    record(benchmark, "answers/s: harness at concurrency N / plain asyncio client at N", ratio, f">= {TARGET}",
           ratio_vs_plain_client=ratio, speedup_vs_sequential=speedup, concurrency=SLOTS, server_slots=SLOTS,
           questions=n, answers_per_s=rate, seconds=seconds, answers_equal_to_plain=same)  # fmt: skip
    assert errors == [], errors[:3]
    assert ratio >= TARGET, f"harness {rate['harness_n']:.2f} answers/s vs plain client {rate['plain_n']:.2f}"
