"""Parity between two engines: the check that an export means the same model.

Tokenisation: the rendered evaluation prompt (chat template included) must give the same token ids in
transformers and in llama.cpp. Greedy decoding: two runs agree when their tokens are equal, or when they first
differ at a *near tie*. The near-tie rule: at the first position where engine A picks ``s`` and engine B picks
``t``, the divergence is accepted when ``(A[s] - A[t]) + (B[t] - B[s]) <= NEAR_TIE_TOLERANCE`` (logits), i.e. both
engines were all but indifferent between the two tokens, so F16 rounding can have flipped the choice. A clear
preference in either engine is a mismatch, reported with the prompt, the position and the gap. Tokens after an
accepted tie are not compared (the two continuations no longer share a prefix).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.adapt.export._llama import quiet_llama
from harness.backends import thread_budget

__all__ = [
    "NEAR_TIE_TOLERANCE",
    "GreedyRun",
    "ParityReport",
    "TokenizationReport",
    "compare_runs",
    "compare_tokenization",
    "greedy_llama",
    "greedy_transformers",
    "tokenize_llama",
]

# Summed over both engines; F16 rounding moves a logit of these models by < 0.1 (max differences measured per
# family in the conformance suite), so a flip needs both engines within a few hundredths of indifference.
NEAR_TIE_TOLERANCE = 0.25


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
    accepted_ties: tuple[str, ...] = ()  # each accepted near tie: prompt, position, tokens, summed gap

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def summary(self) -> dict[str, object]:
        return {
            "prompts": self.prompts,
            "exact": self.exact,
            "near_ties": self.near_ties,
            "mismatches": list(self.mismatches),
            "accepted_ties": list(self.accepted_ties),
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
    llm: Any = llama_cpp.Llama(
        model_path=str(gguf),
        lora_path=str(lora) if lora else None,
        n_ctx=n_ctx,
        n_threads=thread_budget(),
        verbose=False,
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


def tokenize_llama(gguf: Path, texts: Sequence[str]) -> list[list[int]]:
    """llama.cpp's token ids of each rendered prompt (special tokens parsed, no BOS added: the template has it)."""
    import llama_cpp

    with quiet_llama():  # a vocabulary-only load warns about its context size on fd 2
        llm: Any = llama_cpp.Llama(model_path=str(gguf), n_ctx=64, vocab_only=True, verbose=False)
    try:
        return [[int(t) for t in llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)] for text in texts]
    finally:
        llm.close()


@dataclass(frozen=True, kw_only=True)
class TokenizationReport:
    name: str
    prompts: int
    equal: int
    mismatches: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def summary(self) -> dict[str, object]:
        return {"prompts": self.prompts, "equal": self.equal, "mismatches": list(self.mismatches), "ok": self.ok}


def compare_tokenization(name: str, a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> TokenizationReport:
    """Prompt-by-prompt equality of two tokenisations, naming the first differing position of each mismatch."""
    mismatches = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if list(x) == list(y):
            continue
        k = next((k for k, (s, t) in enumerate(zip(x, y, strict=False)) if s != t), min(len(x), len(y)))
        left, right = (x[k] if k < len(x) else "end"), (y[k] if k < len(y) else "end")
        mismatches.append(f"prompt {i}: token {k} differs ({left} vs {right}; lengths {len(x)} vs {len(y)})")
    return TokenizationReport(name=name, prompts=len(a), equal=len(a) - len(mismatches), mismatches=tuple(mismatches))


def _last_logits(llama_cpp: Any, llm: Any, np: Any) -> Any:
    """The last evaluated position's logits (llama-cpp-python keeps them only with logits_all)."""
    pointer = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    return np.ctypeslib.as_array(pointer, shape=(llm.n_vocab(),)).astype(np.float32)


def compare_runs(name: str, a: Sequence[GreedyRun], b: Sequence[GreedyRun], tolerance: float) -> ParityReport:
    """Exact matches, accepted near ties and real mismatches between paired runs of two engines."""
    exact, max_diff = 0, 0.0
    ties: list[str] = []
    mismatches: list[str] = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        split = next((k for k, (s, t) in enumerate(zip(x.tokens, y.tokens, strict=True)) if s != t), None)
        shared = len(x.tokens) if split is None else split + 1
        max_diff = max([max_diff, *(float(abs(x.logits[k] - y.logits[k]).max()) for k in range(shared))])
        if split is None:
            exact += 1
            continue
        s, t = x.tokens[split], y.tokens[split]
        gap = float(x.logits[split][s] - x.logits[split][t] + y.logits[split][t] - y.logits[split][s])
        note = f"prompt {i}: token {split} differs ({s} vs {t}, logit gap {gap:.3f})"
        (ties if gap <= tolerance else mismatches).append(note)
    return ParityReport(
        name=name,
        prompts=len(a),
        exact=exact,
        near_ties=len(ties),
        mismatches=tuple(mismatches),
        accepted_ties=tuple(ties),
        max_logit_diff=max_diff,
        tolerance=tolerance,
    )
