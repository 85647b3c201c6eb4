"""Generation speed: what llama.cpp offers on the same hardware (shared-prefix reuse, parallel sequences)
against the single-sequence loop, in completion tokens per second on the same prompts. The answers must not
change. Target: the harness's default is faster than the best single-sequence loop."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

import pytest

from benchmarks.perf._perf import interleaved, median, record, size
from harness.backends import GenerationRequest, create_backend, embedded_gguf_path
from harness.backends._batch import chat_messages
from harness.config import Condition
from harness.run import ConditionResult, RunOptions, run_condition

TARGET = 1.0


def _single_sequence(threads: int) -> Any:
    """The plain loop: one model on ``threads`` threads, its cache reset before every prompt."""
    import llama_cpp

    llm: Any = llama_cpp.Llama(
        model_path=str(embedded_gguf_path()), n_ctx=2048, seed=0, n_threads=threads, verbose=False
    )

    def answer(requests: list[GenerationRequest]) -> list[tuple[str, int]]:
        out = []
        for r in requests:
            llm.reset()
            o = llm.create_chat_completion(messages=chat_messages(r.messages), temperature=r.temperature,
                                           top_p=r.top_p, repeat_penalty=r.repeat_penalty, max_tokens=r.max_tokens,
                                           seed=r.seed, stop=list(r.stop))  # fmt: skip
            out.append((str(o["choices"][0]["message"]["content"]), int(o["usage"]["completion_tokens"])))
        return out

    return llm, answer


def test_generation_tokens_per_second_against_the_single_sequence_loop(
    benchmark: Any, baseline: Condition, prepared: tuple[RunOptions, ConditionResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    n, rounds = size(6, 6), size(2, 1)  # an even n: both parallel sequences stay busy to the end
    opts = dataclasses.replace(prepared[0], max_questions=n, run_id="generation")
    requests = list(run_condition(baseline, opts).requests)
    cores = len(os.sched_getaffinity(0))
    singles = {f"single_{t}t": _single_sequence(t) for t in sorted({cores, 1})}
    harness = create_backend(baseline.model, baseline.generation)  # defaults: prefix reuse, one sequence per core
    outputs: dict[str, list[tuple[str, int]]] = {}

    def run(name: str) -> None:
        if name == "harness":
            outputs[name] = [(g.text, g.completion_tokens) for g in harness.generate(requests)]
        else:
            outputs[name] = singles[name][1](requests)

    arms = {name: (lambda name=name: run(name)) for name in [*singles, "harness"]}
    instances = len(getattr(harness, "_llms", [])) or None  # parallel sequences the default chose here
    try:
        seconds = benchmark.pedantic(interleaved, args=(arms, rounds), rounds=1)
    finally:
        harness.close()
        for llm, _ in singles.values():
            llm.close()
    tokens = sum(t for _, t in outputs["harness"])
    rate = {name: tokens / median(s) for name, s in seconds.items()}
    best_single = max(v for k, v in rate.items() if k != "harness")
    ratio = rate["harness"] / best_single
    record(benchmark, "tokens/s: harness default / best single-sequence loop", ratio, f">= {TARGET}",
           questions=n, completion_tokens=tokens, tokens_per_s=rate, seconds=seconds,
           parallel_sequences=instances)  # fmt: skip
    assert all(out == outputs["harness"] for out in outputs.values()), "an arm gave different answers"
    assert ratio >= TARGET, f"harness {rate['harness']:.2f} tok/s vs single-sequence {best_single:.2f} tok/s"
