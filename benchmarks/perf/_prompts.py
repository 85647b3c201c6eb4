"""The tiny RAG condition and its prompts, for the benchmarks and the measuring scripts beside them."""

from __future__ import annotations

import dataclasses

from benchmarks.perf._perf import ROOT
from harness.backends import GenerationRequest
from harness.config import Condition, load_matrix
from harness.run import RunOptions, run_condition

__all__ = ["condition_prompts", "tiny_rag_condition"]


def tiny_rag_condition() -> Condition:
    """rag_baseline_tiny as shipped (SmolLM2-135M Q4_1 + MiniLM + FAISS over the SQuAD 2.0 fixture)."""
    cond = load_matrix(ROOT / "configs").condition("rag_baseline_tiny")
    return dataclasses.replace(cond, data=dataclasses.replace(cond.data, dataset=str(ROOT / cond.data.dataset)))


def condition_prompts(cond: Condition, opts: RunOptions, n: int) -> list[GenerationRequest]:
    """``cond``'s first ``n`` prompts (its retrieval, its decoding settings), answered by the oracle: the prompts do
    not depend on the model, and the oracle answers them at once."""
    model = dataclasses.replace(cond.model, provider="oracle", name="gold", quantization="oracle")
    oracle = dataclasses.replace(cond, model=model)
    return list(run_condition(oracle, dataclasses.replace(opts, max_questions=n, run_id="prompts")).requests)
