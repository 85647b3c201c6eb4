"""Greedy-decoding parity between two engines: the check that an export means the same model.

Two runs agree when their greedy tokens are equal, or when they first differ at a near tie: the two
candidate tokens' logits differ, summed over both engines, by at most ``tolerance`` (F16 rounding can
flip an exact tie, never a clear preference).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["GreedyRun", "ParityReport", "compare_runs", "greedy_llama", "greedy_transformers"]


@dataclass(frozen=True, kw_only=True)
class GreedyRun:
    tokens: tuple[int, ...]
    logits: tuple[Any, ...]  # one numpy row per generated token


@dataclass(frozen=True, kw_only=True)
class ParityReport:
    name: str
    prompts: int
    exact: int
    near_ties: int
    mismatches: tuple[str, ...]
    max_logit_diff: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def summary(self) -> dict[str, object]:
        return {
            "prompts": self.prompts,
            "exact": self.exact,
            "near_ties": self.near_ties,
            "mismatches": list(self.mismatches),
            "max_logit_diff": round(self.max_logit_diff, 5),
            "tolerance": self.tolerance,
            "ok": self.ok,
        }


def greedy_transformers(model: Any, prompts: Sequence[Sequence[int]], n_tokens: int) -> list[GreedyRun]:
    """Greedy continuation of each prompt with full forward passes (no cache, no sampling)."""
    import torch

    model.eval()
    runs = []
    with torch.no_grad():
        for prompt in prompts:
            ids, rows = list(prompt), []
            for _ in range(n_tokens):
                logits = model(input_ids=torch.tensor([ids], device=model.device)).logits[0, -1]
                rows.append(logits.float().cpu().numpy())
                ids.append(int(rows[-1].argmax()))
            runs.append(GreedyRun(tokens=tuple(ids[len(prompt) :]), logits=tuple(rows)))
    return runs


def greedy_llama(
    gguf: Path, prompts: Sequence[Sequence[int]], n_tokens: int, *, lora: Path | None = None
) -> list[GreedyRun]:
    """Greedy continuation of each prompt (token ids) by llama.cpp, optionally with a LoRA attached."""
    import llama_cpp
    import numpy as np

    n_ctx = max(len(p) for p in prompts) + n_tokens + 8
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    llm: Any = llama_cpp.Llama(
        model_path=str(gguf), lora_path=str(lora) if lora else None, n_ctx=n_ctx, n_threads=threads, verbose=False
    )
    try:
        runs = []
        for prompt in prompts:
            llm.reset()
            llm.eval(list(prompt))
            rows: list[Any] = []
            for _ in range(n_tokens):
                rows.append(_last_logits(llama_cpp, llm, np))
                llm.eval([int(rows[-1].argmax())])
            runs.append(GreedyRun(tokens=tuple(int(r.argmax()) for r in rows), logits=tuple(rows)))
        return runs
    finally:
        llm.close()


def _last_logits(llama_cpp: Any, llm: Any, np: Any) -> Any:
    """The last evaluated position's logits (llama-cpp-python keeps them only with logits_all)."""
    pointer = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    return np.ctypeslib.as_array(pointer, shape=(llm.n_vocab(),)).astype(np.float32)


def compare_runs(name: str, a: Sequence[GreedyRun], b: Sequence[GreedyRun], tolerance: float) -> ParityReport:
    """Exact matches, accepted near ties and real mismatches between paired runs of two engines."""
    exact, ties, mismatches, max_diff = 0, 0, [], 0.0
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        split = next((k for k, (s, t) in enumerate(zip(x.tokens, y.tokens, strict=True)) if s != t), None)
        shared = len(x.tokens) if split is None else split + 1
        max_diff = max([max_diff, *(float(abs(x.logits[k] - y.logits[k]).max()) for k in range(shared))])
        if split is None:
            exact += 1
            continue
        s, t = x.tokens[split], y.tokens[split]
        gap = float(x.logits[split][s] - x.logits[split][t] + y.logits[split][t] - y.logits[split][s])
        if gap <= tolerance:
            ties += 1
        else:
            mismatches.append(f"prompt {i}: token {split} differs ({s} vs {t}, logit gap {gap:.3f})")
    return ParityReport(
        name=name,
        prompts=len(a),
        exact=exact,
        near_ties=ties,
        mismatches=tuple(mismatches),
        max_logit_diff=max_diff,
        tolerance=tolerance,
    )
