"""Prefix order: the llama.cpp backend answering the tiny RAG condition's prompts sorted by prompt, so questions shown
the same leading passages reuse them, against the same backend in request order (prefix reuse with the previous
prompt only). Both arms are the harness's default (one model instance per core), interleaved round after round.

Recorded: prompt tokens evaluated / submitted in each order (the part of the prompts the prefix caches did not hold)
and the wall-time ratio prefix order / request order. Target: prefix order evaluates a smaller share, with the same
answers; the wall ratio is recorded beside it (on a small shared machine it is within the noise when the share
moves little).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from benchmarks.perf._perf import interleaved, median, record, size
from benchmarks.perf._prompts import condition_prompts
from harness.backends import EVALUATED_KEY, Generation, embedded_gguf_path
from harness.backends._llama_cpp import LlamaCppBackend
from harness.config import Condition
from harness.run import ConditionResult, RunOptions


def _share(gens: Sequence[Generation]) -> tuple[int, int]:
    """Prompt tokens (evaluated, submitted) over ``gens``."""
    evaluated = [g.extra[EVALUATED_KEY] for g in gens]
    assert all(isinstance(e, int) for e in evaluated) and all(g.error is None for g in gens)
    return sum(e for e in evaluated if isinstance(e, int)), sum(g.prompt_tokens for g in gens)


def test_prefix_order_evaluates_fewer_prompt_tokens(
    benchmark: Any, baseline: Condition, prepared: tuple[RunOptions, ConditionResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    n, rounds = size(96, 36), size(3, 2)
    requests = condition_prompts(baseline, prepared[0], n)
    orders = {"request_order": False, "prefix_order": True}
    backends = {name: LlamaCppBackend(baseline.model, baseline.generation, embedded_gguf_path(), prefix_order=on)
                for name, on in orders.items()}  # fmt: skip
    instances = len(getattr(backends["prefix_order"], "_llms", [])) or None  # parallel sequences the default chose
    outputs: dict[str, list[Generation]] = {}
    tokens: dict[str, list[tuple[int, int]]] = {name: [] for name in orders}

    def run(name: str) -> None:
        outputs[name] = backends[name].generate(requests)
        tokens[name].append(_share(outputs[name]))

    try:
        arms = {name: (lambda name=name: run(name)) for name in orders}
        seconds = benchmark.pedantic(interleaved, args=(arms, rounds), rounds=1)
    finally:
        for backend in backends.values():
            backend.close()
    # Which instance answers which prompt depends on timing, so the counts may differ a little round to round.
    share = {name: sum(e for e, _ in t) / sum(s for _, s in t) for name, t in tokens.items()}
    wall = median(seconds["prefix_order"]) / median(seconds["request_order"])
    same = [(g.qid, g.text) for g in outputs["prefix_order"]] == [(g.qid, g.text) for g in outputs["request_order"]]
    record(benchmark, "prompt tokens evaluated / submitted: prefix order vs request order", share["prefix_order"],
           f"< {share['request_order']:.4f} (request order)", evaluated_share=share, wall_ratio_prefix_vs_request=wall,
           evaluated_submitted=tokens, questions=n, seconds=seconds, identical_answers=same,
           parallel_sequences=instances)  # fmt: skip
    assert same, "prefix order changed an answer"
    assert share["prefix_order"] < share["request_order"], share
