"""Several workers, each answering a contiguous run of the requests, so neighbouring prompts meet the same engine.

``_pool`` hands the next request to whichever worker frees up first, so two consecutive requests land on different
workers; for a prefix cache per worker (one llama.cpp instance each) that undoes the prefix order: two questions
shown the same passage are answered by different instances, and neither reuses the other's prompt. Here the requests
are cut into one contiguous block per worker. A worker answers its own block front to back; when it is empty, it
takes the back half of the longest remaining block (the owner keeps the front, so both runs stay contiguous).

As in ``_pool``: at most ``workers`` requests in flight, each answer handed over the moment it completes (any order,
under its request's index), and an abandoned stream or an error starts nothing new.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence

from harness.backends._types import Completed, Generation, GenerationRequest

__all__ = ["answer_in_blocks", "contiguous_blocks"]

# answer(worker, request): the worker's number says which engine (e.g. model instance) answers.
Answer = Callable[[int, GenerationRequest], Generation]


def contiguous_blocks(count: int, workers: int) -> list[deque[int]]:
    """Indexes ``0..count-1`` in ``workers`` contiguous runs whose lengths differ by at most one."""
    size, extra = divmod(count, workers)
    starts = [w * size + min(w, extra) for w in range(workers + 1)]
    return [deque(range(starts[w], starts[w + 1])) for w in range(workers)]


class _Work:
    """The blocks, shared by the workers under one lock; ``stop()`` makes every worker take nothing more."""

    def __init__(self, count: int, workers: int) -> None:
        self._blocks = contiguous_blocks(count, workers)
        self._lock = threading.Lock()
        self._stopped = False

    def take(self, worker: int) -> int | None:
        with self._lock:
            own = self._blocks[worker]
            if self._stopped:
                return None
            if not own:
                victim = max(self._blocks, key=len)
                stolen = [victim.pop() for _ in range((len(victim) + 1) // 2)]
                own.extend(reversed(stolen))
            return own.popleft() if own else None

    def stop(self) -> None:
        with self._lock:
            self._stopped = True


def answer_in_blocks(requests: Sequence[GenerationRequest], answer: Answer, workers: int) -> Iterator[Completed]:
    """``answer`` each request on one of ``workers`` workers (see the module), yielding each as it completes."""
    workers = min(workers, len(requests))
    if workers <= 1:
        # One worker needs no thread: an interrupt lands in the request itself, and thread-bound engines stay put.
        for index, request in enumerate(requests):
            yield Completed(index=index, generation=answer(0, request))
        return
    work = _Work(len(requests), workers)
    done: queue.SimpleQueue[Completed | BaseException] = queue.SimpleQueue()
    for worker in range(workers):
        # Not daemons: at exit Python waits for the request each is in (as for the pool's threads) rather than
        # stopping a thread inside the engine while the interpreter frees the model under it.
        threading.Thread(target=_run, args=(worker, requests, answer, work, done),
                         name=f"harness-block-{worker}").start()  # fmt: skip
    try:
        for _ in range(len(requests)):
            item = done.get()
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        work.stop()  # requests already started end on their own; nothing new starts


def _run(
    worker: int,
    requests: Sequence[GenerationRequest],
    answer: Answer,
    work: _Work,
    done: queue.SimpleQueue[Completed | BaseException],
) -> None:
    while (index := work.take(worker)) is not None:
        try:
            done.put(Completed(index=index, generation=answer(worker, requests[index])))
        except BaseException as exc:  # e.g. OutOfMemory: the consumer raises it and stops the others
            work.stop()
            done.put(exc)
            return
