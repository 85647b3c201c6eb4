"""Workers answering contiguous blocks of the requests (so a worker's engine sees neighbouring prompts one after the
other), with a scripted engine: each request is held until the test lets it go, so what runs where is known exactly.
"""

from __future__ import annotations

import threading

import pytest

from harness.backends import Completed, Generation, GenerationRequest, Message, in_request_order
from harness.backends._blocks import answer_in_blocks, contiguous_blocks
from harness.errors import OutOfMemory


def _request(n: int) -> GenerationRequest:
    return GenerationRequest(qid=f"q{n}", messages=(Message(role="user", content=f"question {n}"),), max_tokens=4)


def _gen(request: GenerationRequest) -> Generation:
    return Generation(qid=request.qid, text=f"answer {request.qid}", latency_s=0.0, prompt_tokens=1,
                      completion_tokens=1, finish_reason="stop")  # fmt: skip


class HeldEngine:
    """Answers a request only when the test lets it go; records which worker started which request."""

    def __init__(self) -> None:
        self.started: list[tuple[int, str]] = []
        self.go: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def __call__(self, worker: int, request: GenerationRequest) -> Generation:
        with self.lock:
            self.started.append((worker, request.qid))
            event = self.go.setdefault(request.qid, threading.Event())
        assert event.wait(10), f"{request.qid} was never let go"
        return _gen(request)

    def let_go(self, *qids: str) -> None:
        with self.lock:
            for qid in qids:
                self.go.setdefault(qid, threading.Event()).set()

    def wait_started(self, count: int) -> list[tuple[int, str]]:
        for _ in range(1000):
            with self.lock:
                if len(self.started) >= count:
                    return list(self.started)
            threading.Event().wait(0.01)
        raise AssertionError(f"only {self.started} started")


def test_blocks_are_contiguous_and_differ_by_at_most_one() -> None:
    assert [list(b) for b in contiguous_blocks(7, 3)] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [list(b) for b in contiguous_blocks(2, 2)] == [[0], [1]]


def test_each_worker_answers_its_own_run_then_takes_the_back_of_the_longest() -> None:
    engine = HeldEngine()
    stream = answer_in_blocks([_request(n) for n in range(6)], engine, workers=2)
    box: list[Completed] = []
    first = threading.Thread(target=lambda: box.append(next(stream)))
    first.start()
    assert sorted(engine.wait_started(2)) == [(0, "q0"), (1, "q3")]
    threading.Event().wait(0.2)  # time enough for a third to start, were it allowed
    assert len(engine.started) == 2
    engine.let_go("q3")
    first.join(10)
    assert box == [Completed(index=3, generation=_gen(_request(3)))]
    engine.let_go("q4", "q5")  # worker 1 finishes its run, then takes q2, the back of worker 0's run
    assert engine.wait_started(5)[2:] == [(1, "q4"), (1, "q5"), (1, "q2")]
    engine.let_go("q0")
    assert engine.wait_started(6)[-1] == (0, "q1")  # worker 0 goes on with the front of its run
    engine.let_go("q1", "q2")
    assert sorted(c.index for c in stream) == [0, 1, 2, 4, 5]


def test_answers_are_put_back_in_request_order_and_one_worker_runs_inline() -> None:
    engine = HeldEngine()
    engine.let_go(*(f"q{n}" for n in range(5)))
    gens = in_request_order(5, answer_in_blocks([_request(n) for n in range(5)], engine, workers=3))
    assert [g.qid for g in gens] == ["q0", "q1", "q2", "q3", "q4"]
    threads: set[str] = set()

    def here(worker: int, request: GenerationRequest) -> Generation:
        threads.add(threading.current_thread().name)
        return _gen(request)

    inline = answer_in_blocks([_request(n) for n in range(3)], here, workers=1)
    assert [c.index for c in inline] == [0, 1, 2] and threads == {threading.current_thread().name}


def test_an_abandoned_stream_starts_nothing_new() -> None:
    engine = HeldEngine()
    engine.let_go("q0")
    stream = answer_in_blocks([_request(n) for n in range(8)], engine, workers=2)
    assert next(stream).index == 0  # q0 done; q1 may have started on worker 0; q4 is in flight on worker 1
    stream.close()  # what an interrupt in the consumer does
    engine.let_go(*(f"q{n}" for n in range(8)))
    threading.Event().wait(0.2)
    assert sorted(qid for _, qid in engine.started) in (["q0", "q4"], ["q0", "q1", "q4"])


def test_out_of_memory_in_one_request_stops_the_stream() -> None:
    def engine(worker: int, request: GenerationRequest) -> Generation:
        if request.qid == "q1":
            raise OutOfMemory("out of memory while answering qid=q1")
        return _gen(request)

    with pytest.raises(OutOfMemory):
        list(answer_in_blocks([_request(n) for n in range(4)], engine, workers=2))
