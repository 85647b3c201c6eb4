"""transformers, batched: ``generation.batch_size`` prompts per ``generate`` call against one prompt at a time, on the
tiny random-weight Llama (the embedded SmolLM2's tokenizer) and the tiny RAG condition's prompts. The greedy answers
must be identical; the target is that batching is faster (answers/s batched / one at a time > 1)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from benchmarks.perf._perf import interleaved, median, record, size
from conformance.tiny_llama import build_tiny_llama
from harness.backends import create_backend, embedded_gguf_path
from harness.config import Condition, GenerationConfig, ModelSpec
from harness.run import ConditionResult, RunOptions, run_condition

TARGET = 1.0
BATCH = 8


def test_hf_batched_against_one_at_a_time(
    benchmark: Any,
    baseline: Condition,
    prepared: tuple[RunOptions, ConditionResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    n, rounds = size(32, 16), size(3, 2)
    opts = dataclasses.replace(prepared[0], max_questions=n, run_id="hf_batch")
    requests = list(run_condition(baseline, opts).requests)
    spec = ModelSpec(provider="hf", name=str(build_tiny_llama(embedded_gguf_path(), tmp_path / "tiny")),
                     context_length=1024)  # fmt: skip
    sizes = {"one": 1, "batched": BATCH}
    backends = {name: create_backend(spec, GenerationConfig(batch_size=b)) for name, b in sizes.items()}
    answers: dict[str, list[tuple[str, int]]] = {}

    def run(name: str) -> None:
        answers[name] = [(g.text, g.completion_tokens) for g in backends[name].generate(requests)]

    try:
        seconds = benchmark.pedantic(interleaved, args=({k: (lambda k=k: run(k)) for k in backends}, rounds), rounds=1)
    finally:
        for backend in backends.values():
            backend.close()
    rate = {name: n / median(s) for name, s in seconds.items()}
    ratio = rate["batched"] / rate["one"]
    record(benchmark, f"answers/s: transformers batch_size={BATCH} / one at a time (tiny random model)", ratio,
           f"> {TARGET}", batched_vs_one=ratio, questions=n, answers_per_s=rate, seconds=seconds,
           identical_answers=answers["batched"] == answers["one"])  # fmt: skip
    assert answers["batched"] == answers["one"], "batched greedy answers differ from one at a time"
    assert ratio > TARGET, f"batched {rate['batched']:.2f} answers/s vs one at a time {rate['one']:.2f}"
