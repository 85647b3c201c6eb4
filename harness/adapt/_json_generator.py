"""The default synthetic-QA generator: the embedded GGUF through llama.cpp, decoding constrained to a JSON schema.

A plain JSON grammar lets a 135M model invent its own keys; the schema grammar makes every output an
object with string ``question`` and ``answer`` fields, so validation judges content, not syntax.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.backends._types import Generation, GenerationRequest

__all__ = ["QA_SCHEMA", "LlamaJsonGenerator"]

QA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
    "required": ["question", "answer"],
}


class LlamaJsonGenerator:
    """A Backend over one GGUF whose every answer follows :data:`QA_SCHEMA`."""

    def __init__(self, gguf: Path, n_ctx: int = 1024) -> None:
        import llama_cpp

        threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        self._path = gguf
        self._llm: Any = llama_cpp.Llama(model_path=str(gguf), n_ctx=n_ctx, n_threads=threads, verbose=False)

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return [self._one(r) for r in requests]

    def _one(self, request: GenerationRequest) -> Generation:
        start = time.perf_counter()
        try:
            self._llm.reset()
            response = self._llm.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in request.messages],
                temperature=request.temperature,
                max_tokens=request.max_tokens,
                seed=request.seed,
                response_format={"type": "json_object", "schema": QA_SCHEMA},
            )
        except (RuntimeError, ValueError) as exc:
            return _failed(request, time.perf_counter() - start, f"llama.cpp failed: {exc}")
        return _generation(request, response, time.perf_counter() - start)

    def describe(self) -> Mapping[str, object]:
        return {"provider": "llama_cpp", "model": str(self._path), "constraint": "json_schema(question, answer)"}

    def close(self) -> None:
        self._llm.close()


def _generation(request: GenerationRequest, response: Mapping[str, Any], latency: float) -> Generation:
    choice, usage = response["choices"][0], response["usage"]
    return Generation(
        qid=request.qid,
        text=str(choice["message"].get("content") or ""),
        latency_s=latency,
        prompt_tokens=int(usage["prompt_tokens"]),
        completion_tokens=int(usage["completion_tokens"]),
        finish_reason="length" if choice.get("finish_reason") == "length" else "stop",
    )


def _failed(request: GenerationRequest, latency: float, error: str) -> Generation:
    return Generation(
        qid=request.qid,
        text="",
        latency_s=latency,
        prompt_tokens=0,
        completion_tokens=0,
        finish_reason="error",
        error=error,
    )
