"""The retry policy: bounded, exponential backoff with full jitter, seeded; only transient faults are retried."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.backends._retry import MAX_BACKOFF_S, GaveUp, MalformedResponse, RetryPolicy, classify
from harness.config import GenerationConfig
from harness.config._convert import FieldError


class _Status(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"status {status_code}")
        self.status_code = status_code


class ReadTimeout(Exception):  # the name is what counts: httpx and openai timeouts are classified by it
    pass


def _policy(retries: int, sleeps: list[float], backoff: float = 0.5) -> RetryPolicy:
    return RetryPolicy(max_retries=retries, backoff_s=backoff, seed=7, sleep=sleeps.append)


def test_config_defaults_and_bounds() -> None:
    cfg = GenerationConfig()
    assert (cfg.max_retries, cfg.backoff_s, cfg.timeout_s) == (3, 1.0, 120.0)
    for bad in ({"max_retries": -1}, {"max_retries": 21}, {"backoff_s": -0.1}, {"backoff_s": 601}, {"seed": 2**32}):
        with pytest.raises(FieldError):
            GenerationConfig(**bad)  # type: ignore[arg-type]


@given(retries=st.integers(0, 8), backoff=st.floats(0, 100), seed=st.integers(0, 2**32 - 1), key=st.text(max_size=8))
def test_delays_are_seeded_bounded_and_exponential(retries: int, backoff: float, seed: int, key: str) -> None:
    policy = RetryPolicy(max_retries=retries, backoff_s=backoff, seed=seed)
    delays = policy.delays(key)
    assert delays == RetryPolicy(max_retries=retries, backoff_s=backoff, seed=seed).delays(key)  # deterministic
    assert len(delays) == retries
    for n, delay in enumerate(delays):
        assert 0 <= delay <= min(MAX_BACKOFF_S, backoff * 2**n)


def test_jitter_differs_between_requests() -> None:
    policy = RetryPolicy(max_retries=3, backoff_s=1.0, seed=0)
    assert policy.delays("q1") != policy.delays("q2")


def test_transient_faults_are_retried_then_succeed() -> None:
    faults: list[Exception] = [_Status(429), _Status(503), ReadTimeout("slow"), ConnectionResetError("reset")]
    sleeps: list[float] = []

    def attempt() -> str:
        if faults:
            raise faults.pop(0)
        return "answer"

    assert _policy(4, sleeps).call(attempt, "q1") == "answer"
    assert len(sleeps) == 4 and sleeps == _policy(4, []).delays("q1")


def test_exhausted_retries_name_the_cause_and_the_count() -> None:
    sleeps: list[float] = []
    with pytest.raises(GaveUp, match=r"^HTTP 429 \(rate limited; _Status: status 429\) after 4 attempts$") as info:
        _policy(3, sleeps).call(lambda: (_ for _ in ()).throw(_Status(429)), "q1")
    assert info.value.attempts == 4 and info.value.fault.kind == "http" and len(sleeps) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise _Status(status)

    with pytest.raises(_Status):
        _policy(3, []).call(attempt, "q1")
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (_Status(500), "http"),
        (_Status(429), "http"),
        (_Status(408), "http"),
        (ReadTimeout(), "timeout"),
        (TimeoutError(), "timeout"),
        (ConnectionRefusedError(111, "refused"), "connection"),
        (json.JSONDecodeError("Expecting value", "", 0), "malformed"),
        (MalformedResponse("no choices"), "malformed"),
    ],
)
def test_transient_kinds(exc: Exception, kind: str) -> None:
    fault = classify(exc)
    assert (fault.kind, fault.retryable) == (kind, True)


def test_bugs_are_not_retried() -> None:
    assert classify(KeyError("x")).retryable is False
    assert classify(MemoryError()).retryable is False


def test_backoff_doubles_with_each_attempt_until_the_cap() -> None:
    """Full jitter draws uniformly below b * 2**n, so the mean delay doubles from one attempt to the next: a constant
    (or linear) backoff keeps every delay within its bound but fails here."""
    policy = RetryPolicy(max_retries=4, backoff_s=0.5, seed=1)
    draws = np.array([policy.delays(f"q{i}") for i in range(4000)])
    means = draws.mean(axis=0)
    assert means[0] == pytest.approx(0.25, rel=0.06)
    for n in range(3):
        assert 1.8 < means[n + 1] / means[n] < 2.2, means
