"""Run a batch one request at a time, timing each and turning engine failures into error records.

A failed item becomes a ``Generation`` with ``error`` set and ``finish_reason="error"`` so one bad
prompt never kills the batch; the scorer records it as an error, not as a wrong answer. Transient
server faults are retried first (``RetryPolicy``). Running out of memory is different: the next
question would fail the same way, so it stops the batch with :class:`OutOfMemory` naming the knobs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from harness.backends._retry import RetryPolicy
from harness.backends._types import Generation, GenerationRequest, Message
from harness.errors import OutOfMemory

__all__ = [
    "OOM_REMEDY", "Completion", "answer_one", "chat_messages", "failed", "finish_reason", "generate_each",
    "out_of_memory", "timed",
]  # fmt: skip

OOM_REMEDY = (
    "lower generation.batch_size, model.context_length or generation.max_tokens, "
    "or serve a smaller quantisation (model.quantization, e.g. Q4_K_M)"
)
_OOM_TEXT = ("out of memory", "failed to allocate", "cannot allocate memory", "std::bad_alloc")


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
    retry: RetryPolicy | None = None,
) -> list[Generation]:
    """``complete`` each request in order; ``explain`` turns an engine exception into an error message.

    ``retry`` (default: one attempt) retries transient faults; latency is that of the attempt that succeeded.
    """
    return [answer_one(request, complete, explain, retry) for request in requests]


def answer_one(
    request: GenerationRequest,
    complete: Callable[[GenerationRequest], Completion],
    explain: Callable[[BaseException], str],
    retry: RetryPolicy | None = None,
) -> Generation:
    """One request, timed, retried by ``retry`` and turned into an error record when it fails (see the module)."""
    policy = retry or RetryPolicy()
    attempts = 0

    def attempt() -> tuple[Completion, float]:
        nonlocal attempts
        attempts += 1
        begin = time.perf_counter()
        return complete(request), time.perf_counter() - begin

    start = time.perf_counter()
    try:
        done, latency = policy.call(attempt, key=request.qid)
    except Exception as exc:  # an engine failure is recorded for this item, the batch goes on
        if out_of_memory(exc):
            what = f"out of memory while answering qid={request.qid} ({_first_line(exc)})"
            raise OutOfMemory(f"{what}; {OOM_REMEDY}") from exc
        return failed(request, time.perf_counter() - start, explain(exc))
    return timed(request, done, latency, attempts)


def timed(request: GenerationRequest, done: Completion, latency: float, attempts: int = 1) -> Generation:
    """The record of a completion that took ``latency`` seconds (of its last attempt)."""
    rate = done.completion_tokens / latency if latency > 0 else 0.0
    extra = {"tokens_per_s": round(rate, 3), **done.extra}
    if attempts > 1:
        extra["attempts"] = attempts
    return Generation(
        qid=request.qid,
        text=done.text,
        latency_s=latency,
        prompt_tokens=done.prompt_tokens,
        completion_tokens=done.completion_tokens,
        finish_reason=done.finish_reason,
        extra=extra,
    )


def out_of_memory(exc: BaseException) -> bool:
    """MemoryError, torch's OutOfMemoryError, or an engine message saying an allocation failed."""
    if isinstance(exc, MemoryError) or any(c.__name__ == "OutOfMemoryError" for c in type(exc).__mro__):
        return True
    text = str(exc).lower()
    return any(marker in text for marker in _OOM_TEXT)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:200]}" if text else type(exc).__name__


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
