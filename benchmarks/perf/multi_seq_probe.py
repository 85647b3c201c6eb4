"""Probe: llama.cpp's multi-sequence batched decoding (one model, several sequences in each ``llama_decode``) against
the harness's llama.cpp backend (parallel model instances, prefix order), greedy, on the tiny RAG prompts.

Not part of the harness: it measures whether the low-level API would be worth a backend (docs/scale.md).

    python -m benchmarks.perf.multi_seq_probe --questions 24 --sequences 4

Each sequence gets its own KV stream (``kv_unified=false``), so its attention sees the cells a lone sequence would;
prompts are evaluated together, then every step decodes one token of each unfinished sequence in one batch. The
prompt tokens and stop strings are taken from llama-cpp-python's own chat completion of each prompt, so both sides
answer exactly the same token ids.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.perf._prompts import condition_prompts, tiny_rag_condition
from harness.backends import GenerationRequest, embedded_gguf_path
from harness.backends._batch import chat_messages
from harness.backends._llama_cpp import LlamaCppBackend
from harness.run import RunOptions


@dataclass(frozen=True, kw_only=True)
class Prompt:
    tokens: tuple[int, ...]
    stop: tuple[str, ...]
    max_tokens: int


def reference(llm: Any, requests: Sequence[GenerationRequest]) -> tuple[list[Prompt], list[str]]:
    """Each prompt's token ids and stop strings as llama-cpp-python's chat handler builds them, and its answer from
    a fresh cache."""
    prompts: list[Prompt] = []
    texts: list[str] = []
    complete = llm.create_completion

    for request in requests:

        def captured(*args: Any, _r: GenerationRequest = request, **kw: Any) -> Any:
            prompts.append(Prompt(tokens=tuple(kw["prompt"]), stop=tuple(kw.get("stop") or ()),
                                  max_tokens=_r.max_tokens))  # fmt: skip
            return complete(*args, **kw)

        llm.create_completion = captured
        llm.reset()
        out = llm.create_chat_completion(
            messages=chat_messages(request.messages), temperature=0.0, max_tokens=request.max_tokens,
            seed=request.seed, stop=list(request.stop),
        )  # fmt: skip
        texts.append(str(out["choices"][0]["message"]["content"] or ""))
    llm.create_completion = complete
    return prompts, texts


class MultiSequence:
    """One context with ``sequences`` KV streams on the reference model's weights."""

    def __init__(self, llm: Any, sequences: int, n_ctx_per_seq: int, batch_tokens: int) -> None:
        import llama_cpp

        self.lib, self.llm, self.sequences = llama_cpp, llm, sequences
        params = type(llm.context_params).from_buffer_copy(llm.context_params)
        params.n_ctx, params.n_seq_max, params.kv_unified = n_ctx_per_seq * sequences, sequences, False
        params.n_batch = params.n_ubatch = batch_tokens
        self.ctx = llama_cpp.llama_init_from_model(llm._model.model, params)
        self.batch = llama_cpp.llama_batch_init(batch_tokens, 0, 1)
        self.batch_tokens = batch_tokens
        self.vocab = llm._model.vocab
        self.n_vocab = llm.n_vocab()

    def close(self) -> None:
        self.lib.llama_batch_free(self.batch)
        self.lib.llama_free(self.ctx)

    def answer(self, prompts: Sequence[Prompt]) -> list[str]:
        out: list[str] = []
        for start in range(0, len(prompts), self.sequences):
            out.extend(self._group(prompts[start : start + self.sequences]))
        return out

    def _decode(self, entries: Sequence[tuple[int, int, int, bool]]) -> None:
        b = self.batch
        for i, (token, pos, seq, logits) in enumerate(entries):
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = token, pos, 1, logits
            b.seq_id[i][0] = seq
        b.n_tokens = len(entries)
        if (rc := self.lib.llama_decode(self.ctx, b)) != 0:
            raise RuntimeError(f"llama_decode returned {rc}")

    def _argmax(self, index: int) -> int:
        logits = self.lib.llama_get_logits_ith(self.ctx, index)  # a float pointer, n_vocab long
        return int(np.argmax(np.ctypeslib.as_array(logits, shape=(self.n_vocab,))))

    def _group(self, prompts: Sequence[Prompt]) -> list[str]:
        nxt = self._prefill(prompts)
        done: dict[int, list[int]] = {s: [] for s in range(len(prompts))}
        active = [s for s in range(len(prompts)) if not self._finished(prompts[s], done[s], nxt[s])]
        while active:
            self._decode([(nxt[s], len(prompts[s].tokens) + len(done[s]) - 1, s, True) for s in active])
            for i, s in enumerate(active):
                nxt[s] = self._argmax(i)
            active = [s for s in active if not self._finished(prompts[s], done[s], nxt[s])]
        mem = self.lib.llama_get_memory(self.ctx)
        for s in range(len(prompts)):
            self.lib.llama_memory_seq_rm(mem, s, -1, -1)
        return [self._text(prompts[s], done[s]) for s in range(len(prompts))]

    def _prefill(self, prompts: Sequence[Prompt]) -> dict[int, int]:
        entries = [(t, p, s, p == len(pr.tokens) - 1) for s, pr in enumerate(prompts) for p, t in enumerate(pr.tokens)]
        nxt: dict[int, int] = {}
        for start in range(0, len(entries), self.batch_tokens):
            chunk = entries[start : start + self.batch_tokens]
            self._decode(chunk)
            for i, (_, _, s, last) in enumerate(chunk):
                if last:
                    nxt[s] = self._argmax(i)
        return nxt

    def _finished(self, prompt: Prompt, done: list[int], token: int) -> bool:
        """Appends ``token`` unless it ends the answer; True when the answer is over (end of generation, a stop
        string in the text, or max_tokens), as llama-cpp-python's completion decides."""
        if self.lib.llama_vocab_is_eog(self.vocab, token):
            return True
        done.append(token)
        return len(done) >= prompt.max_tokens or any(s in self._text(prompt, done, cut=False) for s in prompt.stop)

    def _text(self, prompt: Prompt, done: list[int], *, cut: bool = True) -> str:
        text = self.llm.detokenize(done, prev_tokens=list(prompt.tokens)).decode("utf-8", errors="ignore")
        if cut:
            hits = [text.index(s) for s in prompt.stop if s in text]
            text = text[: min(hits)] if hits else text
        return str(text)


def probe(questions: int, sequences: int, work: Path) -> dict[str, object]:
    import llama_cpp

    cond = tiny_rag_condition()
    opts = RunOptions(cache_dir=work / "cache", reports_dir=work / "reports", run_id="prompts")
    requests = condition_prompts(cond, opts, questions)
    cores = len(os.sched_getaffinity(0))
    llm: Any = llama_cpp.Llama(model_path=str(embedded_gguf_path()), n_ctx=2048, seed=0, n_threads=cores,
                               verbose=False)  # fmt: skip
    seconds: dict[str, float] = {}
    try:
        start = time.perf_counter()
        prompts, expected = reference(llm, requests)
        seconds["single_sequence_fresh_cache"] = time.perf_counter() - start
        multi = MultiSequence(llm, sequences, n_ctx_per_seq=2048, batch_tokens=2048)
        try:
            start = time.perf_counter()
            batched = multi.answer(prompts)
            seconds[f"multi_sequence_{sequences}"] = time.perf_counter() - start
        finally:
            multi.close()
    finally:
        llm.close()
    harness = LlamaCppBackend(cond.model, cond.generation, embedded_gguf_path())
    try:
        start = time.perf_counter()
        default = [g.text for g in harness.generate(requests)]
        seconds["harness_default"] = time.perf_counter() - start
    finally:
        harness.close()
    return {
        "questions": len(requests), "sequences": sequences, "cores": cores,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "multi_equal_to_fresh_cache": sum(a == b for a, b in zip(batched, expected, strict=True)),
        "harness_equal_to_fresh_cache": sum(a == b for a, b in zip(default, expected, strict=True)),
        "first_difference": next(([i, a, b] for i, (a, b) in enumerate(zip(batched, expected, strict=True)) if a != b),
                                 None),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="multi-sequence llama_decode vs parallel instances")
    parser.add_argument("--questions", type=int, default=24)
    parser.add_argument("--sequences", type=int, default=4)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="multi-seq-") as work:
        print(json.dumps(probe(args.questions, args.sequences, Path(work)), indent=2))


if __name__ == "__main__":
    main()
