"""Harness overhead: the harness answering N test questions with llama.cpp, against a plain loop calling
llama.cpp on the same prompts with the same settings. Target: ratio <= 1.05."""

from __future__ import annotations

import dataclasses
import shutil
from typing import Any

import pytest

from benchmarks.perf._perf import interleaved, median, record, size
from benchmarks.perf.conftest import one_thread
from harness.backends import embedded_gguf_path
from harness.backends._batch import chat_messages
from harness.config import Condition
from harness.run import ConditionResult, RunOptions, run_condition

TARGET = 1.05


def test_harness_overhead_over_a_plain_llama_cpp_loop(
    benchmark: Any, baseline: Condition, prepared: tuple[RunOptions, ConditionResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    import llama_cpp

    one_thread(monkeypatch)
    n, rounds = size(6, 4), size(3, 3)  # at least 3 rounds: the median must survive one descheduled round
    base_opts, _ = prepared
    cond = dataclasses.replace(baseline, generation=dataclasses.replace(baseline.generation, parallel_sequences=1))
    opts = dataclasses.replace(base_opts, max_questions=n, run_id="overhead")
    assert opts.cache_dir is not None
    cache_dir = opts.cache_dir
    requests = run_condition(cond, opts).requests  # the harness's own prompts (and the search results cached)
    answers: dict[str, list[str]] = {}

    def harness() -> None:
        shutil.rmtree(cache_dir / "generations", ignore_errors=True)  # every answer generated again
        result = run_condition(cond, opts)
        answers["harness"] = [r["answer"] for r in result.records]

    def plain() -> None:
        llm: Any = llama_cpp.Llama(model_path=str(embedded_gguf_path()), n_ctx=2048, seed=0, n_threads=1, verbose=False)
        out = [llm.create_chat_completion(messages=chat_messages(r.messages), temperature=r.temperature,
                                          top_p=r.top_p, repeat_penalty=r.repeat_penalty, max_tokens=r.max_tokens,
                                          seed=r.seed, stop=list(r.stop)) for r in requests]  # fmt: skip
        llm.close()
        answers["plain"] = [str(o["choices"][0]["message"]["content"]) for o in out]

    seconds = benchmark.pedantic(interleaved, args=({"harness": harness, "plain": plain}, rounds), rounds=1)
    ratio = median(seconds["harness"]) / median(seconds["plain"])
    record(benchmark, "harness wall time / plain llama.cpp loop", ratio, f"<= {TARGET}", questions=n, **seconds)
    assert answers["harness"] == answers["plain"], "the two arms did not do the same work"
    assert ratio <= TARGET, f"harness overhead {ratio:.3f}x a plain loop (target <= {TARGET}): {seconds}"
