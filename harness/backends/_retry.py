"""Bounded retries with exponential backoff and full jitter, for backends that talk to a server.

A transient fault (connection refused or reset, a timeout, HTTP 408/425/429/5xx, an empty or malformed
response body) is retried up to ``generation.max_retries`` times. The wait before retry ``n`` (0-based) is
``uniform(0, min(MAX_BACKOFF_S, backoff_s * 2**n))`` ("full jitter"), drawn from a generator seeded by the
generation seed and the question id, so a rerun waits exactly as long; when the server says how long to wait
(``Retry-After`` or ``retry-after-ms`` on a 429/503), the wait is at least that (at most ``MAX_RETRY_AFTER_S``).
Any other failure (HTTP 400/401/404,
a bug) propagates at once. When the attempts run out, :class:`GaveUp` carries the cause and the count,
e.g. ``HTTP 429 (rate limited) after 4 attempts``.
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from harness.config import GenerationConfig
from harness.errors import BackendError

__all__ = [
    "MAX_BACKOFF_S", "MAX_RETRY_AFTER_S", "Fault", "GaveUp", "MalformedResponse", "RetryPolicy", "classify", "remedy",
    "retry_after_s",
]  # fmt: skip

T = TypeVar("T")
FaultKind = Literal["http", "timeout", "connection", "malformed", "other"]
MAX_BACKOFF_S = 60.0
# A server may ask for a longer pause than our own backoff would take, but a broken header must not stall a run.
MAX_RETRY_AFTER_S = 300.0
_RETRY_STATUS = frozenset({408, 425, 429})
_CONNECTION_TYPES = frozenset({"ConnectionError", "APIConnectionError", "TransportError", "ProtocolError"})
_MALFORMED_TYPES = frozenset({"JSONDecodeError", "APIResponseValidationError", "ValidationError", "MalformedResponse"})
_MAX_DETAIL = 200


class MalformedResponse(ValueError):
    """The server answered, but not with a usable completion (no choices, no message...)."""


@dataclass(frozen=True, kw_only=True)
class Fault:
    """What went wrong with one attempt, in words, and whether another attempt could help."""

    kind: FaultKind
    cause: str
    retryable: bool


class GaveUp(BackendError):
    """A transient fault persisted through every allowed attempt."""

    def __init__(self, fault: Fault, attempts: int) -> None:
        super().__init__(f"{fault.cause} after {attempts} attempt{'s' if attempts != 1 else ''}")
        self.fault = fault
        self.attempts = attempts


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How often and how patiently to retry. The default makes exactly one attempt."""

    max_retries: int = 0
    backoff_s: float = 0.0
    seed: int = 0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    @classmethod
    def from_config(cls, generation: GenerationConfig) -> RetryPolicy:
        return cls(max_retries=generation.max_retries, backoff_s=generation.backoff_s, seed=generation.seed)

    @property
    def attempts(self) -> int:
        return self.max_retries + 1

    def delays(self, key: str) -> list[float]:
        """The waits before each retry of request ``key``: the same list on every run."""
        rng = random.Random(f"{self.seed}:{key}")
        return [rng.uniform(0.0, min(MAX_BACKOFF_S, self.backoff_s * 2**n)) for n in range(self.max_retries)]

    def call(self, attempt: Callable[[], T], key: str) -> T:
        """``attempt()``, retried on transient faults; raises GaveUp when they persist."""
        waits = self.delays(key)
        for number in range(1, self.attempts + 1):
            try:
                return attempt()
            except Exception as exc:
                fault = classify(exc)
                if not fault.retryable:
                    raise
                if number == self.attempts:
                    raise GaveUp(fault, number) from exc
                self.sleep(max(waits[number - 1], retry_after_s(exc) or 0.0))
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def classify(exc: BaseException) -> Fault:
    """Sort a client exception (openai, ollama, httpx, stdlib) into a fault kind, without importing the clients."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return Fault(kind="http", cause=_http_cause(status, exc), retryable=status in _RETRY_STATUS or status >= 500)
    names = {c.__name__ for c in type(exc).__mro__}
    if any("Timeout" in name for name in names):
        return Fault(kind="timeout", cause="timeout", retryable=True)
    if names & _MALFORMED_TYPES or isinstance(exc, json.JSONDecodeError):
        return Fault(kind="malformed", cause=f"malformed response ({_detail(exc)})", retryable=True)
    if names & _CONNECTION_TYPES:
        return Fault(kind="connection", cause=f"connection failed ({_detail(_root(exc))})", retryable=True)
    return Fault(kind="other", cause=f"{type(exc).__name__}: {exc}", retryable=False)


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms``, ``Retry-After`` in seconds or as an HTTP date), found
    on the response of ``exc`` or of the exceptions behind it (the ollama client re-raises httpx's error, headers
    lost, with the original as ``__context__``); None when no reply said."""
    for link in _chain(exc):
        headers = getattr(getattr(link, "response", None), "headers", None)
        if headers is not None and (seconds := _header_seconds(headers)) is not None:
            return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
    return None


def _header_seconds(headers: object) -> float | None:
    get = getattr(headers, "get", None)
    if get is None:
        return None
    millis, value = get("retry-after-ms"), get("retry-after")
    if isinstance(millis, str) and (seconds := _number(millis)) is not None:
        return seconds / 1000
    if not isinstance(value, str):
        return None
    if (seconds := _number(value)) is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):  # neither a number nor a date: as if the server had said nothing
        return None
    return when.timestamp() - time.time() if when.tzinfo is not None else None


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None  # "nan" parses, and would make sleep() raise


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__


def remedy(fault: Fault, timeout_s: float) -> str:
    """The knob to turn for a fault that persisted."""
    if fault.kind == "timeout":
        return f"raise generation.timeout_s (now {timeout_s:g}) or check the server's load"
    if fault.kind == "http" and "429" in fault.cause:
        return "the server is rate limiting: lower generation.batch_size, or raise generation.backoff_s/max_retries"
    if fault.kind == "connection":
        return "check that the server is running at model.host and reachable"
    if fault.kind == "malformed":
        return "the server did not return a chat completion; check model.host points at the right API"
    return "check the server's logs; raise generation.max_retries if the fault is transient"


def _http_cause(status: int, exc: BaseException) -> str:
    label = {429: "rate limited", 408: "request timeout"}.get(status, "server error" if status >= 500 else "")
    detail = _detail(exc)
    parts = [p for p in (label, detail) if p]
    return f"HTTP {status}" + (f" ({'; '.join(parts)})" if parts else "")


def _root(exc: BaseException) -> BaseException:
    """The innermost exception of an explicit ``raise ... from`` chain (the client's wrapper hides the cause)."""
    seen = {id(exc)}
    while exc.__cause__ is not None and id(exc.__cause__) not in seen:
        exc = exc.__cause__
        seen.add(id(exc))
    return exc


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text if text.startswith(type(exc).__name__) else f"{type(exc).__name__}: {text}"
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 3] + "..."
