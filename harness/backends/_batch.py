"""Run a batch one request at a time, timing each and turning engine failures into error records.

A failed item becomes a ``Generation`` with ``error`` set and ``finish_reason="error"`` so one bad
prompt never kills the batch; the scorer records it as an error, not as a wrong answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from harness.backends._types import Generation, GenerationRequest, Message

__all__ = ["Completion", "chat_messages", "failed", "finish_reason", "generate_each"]


@dataclass(frozen=True, kw_only=True)
class Completion:
    """What an engine returned for one request, before timing is attached."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str
    extra: Mapping[str, object] = field(default_factory=dict)


def generate_each(
    requests: Sequence[GenerationRequest],
    complete: Callable[[GenerationRequest], Completion],
    explain: Callable[[BaseException], str],
) -> list[Generation]:
    """``complete`` each request in order; ``explain`` turns an engine exception into an error message."""
    return [_generate_one(request, complete, explain) for request in requests]


def _generate_one(
    request: GenerationRequest,
    complete: Callable[[GenerationRequest], Completion],
    explain: Callable[[BaseException], str],
) -> Generation:
    start = time.perf_counter()
    try:
        done = complete(request)
    except Exception as exc:  # an engine failure is recorded for this item, the batch goes on
        return failed(request, time.perf_counter() - start, explain(exc))
    latency = time.perf_counter() - start
    rate = done.completion_tokens / latency if latency > 0 else 0.0
    return Generation(
        qid=request.qid,
        text=done.text,
        latency_s=latency,
        prompt_tokens=done.prompt_tokens,
        completion_tokens=done.completion_tokens,
        finish_reason=done.finish_reason,
        extra={"tokens_per_s": round(rate, 3), **done.extra},
    )


def failed(request: GenerationRequest, latency_s: float, error: str) -> Generation:
    """The error record for one request."""
    return Generation(
        qid=request.qid,
        text="",
        latency_s=latency_s,
        prompt_tokens=0,
        completion_tokens=0,
        finish_reason="error",
        error=error,
    )


def finish_reason(raw: str | None) -> str:
    """Engines' reasons mapped onto ``stop`` | ``length`` (others, e.g. ``content_filter``, kept)."""
    if raw in (None, "", "stop", "eos", "end_turn"):
        return "stop"
    return "length" if raw in ("length", "max_tokens") else str(raw)


def chat_messages(messages: Sequence[Message]) -> list[dict[str, str]]:
    """Messages in the OpenAI/Ollama/llama.cpp wire shape."""
    return [{"role": m.role, "content": m.content} for m in messages]
