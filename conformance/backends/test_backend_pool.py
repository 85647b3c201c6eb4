"""The bounded request pool and the answer stream the run journals from, with a scripted engine (no model, no server).

Each test holds requests open on events, so what is in flight at any moment is known exactly rather than timed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from harness.backends import Completed, Generation, GenerationRequest, Message, completions, in_request_order
from harness.backends._pool import answer_concurrently
from harness.cache import JsonlJournal
from harness.errors import BackendError, OutOfMemory
from harness.run._generate import generate_journaled


def _request(n: int) -> GenerationRequest:
    return GenerationRequest(qid=f"q{n}", messages=(Message(role="user", content=f"question {n}"),), max_tokens=4)


def _gen(request: GenerationRequest) -> Generation:
    return Generation(
        qid=request.qid, text=f"answer {request.qid}", latency_s=0.0, prompt_tokens=1, completion_tokens=1,
        finish_reason="stop",
    )  # fmt: skip


class HeldEngine:
    """Answers a request only when the test lets it go; records which requests started."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.go: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def __call__(self, request: GenerationRequest) -> Generation:
        with self.lock:
            self.started.append(request.qid)
            event = self.go.setdefault(request.qid, threading.Event())
        assert event.wait(10), f"{request.qid} was never let go"
        return _gen(request)

    def let_go(self, qid: str) -> None:
        with self.lock:
            self.go.setdefault(qid, threading.Event()).set()

    def wait_started(self, count: int) -> None:
        for _ in range(1000):
            with self.lock:
                if len(self.started) >= count:
                    return
            threading.Event().wait(0.01)
        raise AssertionError(f"only {self.started} started")


def test_at_most_concurrency_requests_start_and_the_next_starts_only_when_one_finishes() -> None:
    engine = HeldEngine()
    stream = answer_concurrently([_request(n) for n in range(6)], engine, concurrency=3)
    box: list[Completed] = []
    first = threading.Thread(target=lambda: box.append(next(stream)))
    first.start()
    engine.wait_started(3)
    threading.Event().wait(0.2)  # time enough for a fourth to start, were it allowed
    assert engine.started == ["q0", "q1", "q2"]
    engine.let_go("q1")  # the second finishes first: handed over at once, and only then does q3 start
    first.join(10)
    assert box == [Completed(index=1, generation=_gen(_request(1)))]
    engine.wait_started(4)
    assert sorted(engine.started) == ["q0", "q1", "q2", "q3"]
    for n in range(6):
        engine.let_go(f"q{n}")
    rest = list(stream)
    assert sorted(c.index for c in rest) == [0, 2, 3, 4, 5]


def test_answers_are_put_back_in_request_order() -> None:
    engine = HeldEngine()
    for qid in ("q3", "q2", "q1", "q0"):
        engine.let_go(qid)
    gens = in_request_order(4, answer_concurrently([_request(n) for n in range(4)], engine, concurrency=4))
    assert [g.qid for g in gens] == ["q0", "q1", "q2", "q3"]
    with pytest.raises(BackendError, match=r"no generation for request indexes \[1\]"):
        in_request_order(2, [Completed(index=0, generation=gens[0])])


def test_an_abandoned_stream_starts_nothing_new() -> None:
    engine = HeldEngine()
    engine.let_go("q0")
    stream = answer_concurrently([_request(n) for n in range(8)], engine, concurrency=2)
    assert next(stream).index == 0  # q0 done, q2 took its slot; q1 still in flight
    stream.close()  # what an interrupt in the consumer does
    for n in range(8):
        engine.let_go(f"q{n}")
    threading.Event().wait(0.2)
    # q2 may have been cancelled before a thread picked it up; nothing after it may ever start
    assert sorted(engine.started) in (["q0", "q1"], ["q0", "q1", "q2"])


def test_out_of_memory_in_one_request_stops_the_stream() -> None:
    def engine(request: GenerationRequest) -> Generation:
        if request.qid == "q1":
            raise OutOfMemory("out of memory while answering qid=q1")
        return _gen(request)

    with pytest.raises(OutOfMemory):
        list(answer_concurrently([_request(n) for n in range(4)], engine, concurrency=2))


class BatchOnly:
    """A plugin backend with ``generate`` only: answered a batch at a time."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self.batches.append([r.qid for r in requests])
        return [_gen(r) for r in requests]

    def describe(self) -> Mapping[str, object]:
        return {"provider": "batch-only"}

    def close(self) -> None:
        pass


def test_a_backend_without_a_stream_is_answered_a_batch_at_a_time() -> None:
    backend = BatchOnly()
    done = list(completions(backend, [_request(n) for n in range(5)], batch_size=2))
    assert backend.batches == [["q0", "q1"], ["q2", "q3"], ["q4"]]
    assert [c.index for c in done] == [0, 1, 2, 3, 4]


class JournalWatchingBackend(BatchOnly):
    """Streams its answers and, before handing over each, reads the journal: every earlier answer must be there."""

    def __init__(self, journal: Path) -> None:
        super().__init__()
        self.journal = JsonlJournal(journal)
        self.seen: list[int] = []

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        for index in reversed(range(len(requests))):  # completion order is not request order
            self.seen.append(len(self.journal.read()))
            yield Completed(index=index, generation=_gen(requests[index]))


def test_each_answer_is_journaled_the_moment_it_is_handed_over(tmp_path: Path) -> None:
    backend = JournalWatchingBackend(tmp_path / "answers.jsonl")
    requests = [_request(n) for n in range(5)]
    gens = generate_journaled(backend, requests, tmp_path / "answers.jsonl", batch_size=8, progress=print, label="t")
    assert backend.seen == [0, 1, 2, 3, 4]  # not 0 until a batch of 8 (or the end) was reached
    assert [g.qid for g in gens] == [r.qid for r in requests]
    assert [row["generation"]["qid"] for row in JsonlJournal(tmp_path / "answers.jsonl").read()] == [  # type: ignore[index]
        "q4", "q3", "q2", "q1", "q0",
    ]  # fmt: skip
