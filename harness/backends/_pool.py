"""Keep up to ``concurrency`` requests in flight and hand each answer over the moment it completes.

A served model (llama.cpp's server with ``--parallel``, vLLM, Ollama with ``OLLAMA_NUM_PARALLEL``) decodes several
sequences at once; one request at a time leaves its slots idle. A bounded pool of threads is enough: each request
spends its time waiting on the server, and the clients (httpx underneath ``openai`` and ``ollama``) are thread-safe.
Requests start in request order and the next one starts only when one finishes, so a process killed mid-run has at
most ``concurrency`` requests in flight, and every answer handed over before that is already in the caller's hands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from harness.backends._types import Backend, Completed, Generation, GenerationRequest, StreamingBackend
from harness.errors import BackendError

__all__ = ["answer_concurrently", "completions", "in_request_order"]

Answer = Callable[[GenerationRequest], Generation]


def answer_concurrently(requests: Sequence[GenerationRequest], answer: Answer, concurrency: int) -> Iterator[Completed]:
    """``answer`` each request, at most ``concurrency`` at once, yielding each as it completes (any order)."""
    if concurrency <= 1 or len(requests) <= 1:
        # One at a time needs no thread: an interrupt lands in the request itself, and thread-bound engines stay put.
        for index, request in enumerate(requests):
            yield Completed(index=index, generation=answer(request))
        return
    yield from _pooled(requests, answer, min(concurrency, len(requests)))


def _pooled(requests: Sequence[GenerationRequest], answer: Answer, workers: int) -> Iterator[Completed]:
    pool = ThreadPoolExecutor(workers, thread_name_prefix="harness-request")
    waiting = iter(enumerate(requests))
    running: dict[Future[Generation], int] = {}
    try:
        _top_up(pool, waiting, running, answer, workers)
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            done = sorted((running.pop(future), future) for future in finished)  # ties in request order
            # Refill the freed slots before handing answers over: the server stays busy while the caller journals.
            _top_up(pool, waiting, running, answer, workers)
            for index, future in done:
                yield Completed(index=index, generation=future.result())
    finally:
        # On an error or an abandoned generator, start nothing new; requests already sent end by their own timeout.
        pool.shutdown(wait=False, cancel_futures=True)


def _top_up(
    pool: ThreadPoolExecutor,
    waiting: Iterator[tuple[int, GenerationRequest]],
    running: dict[Future[Generation], int],
    answer: Answer,
    workers: int,
) -> None:
    while len(running) < workers and (item := next(waiting, None)) is not None:
        index, request = item
        running[pool.submit(answer, request)] = index


def in_request_order(count: int, completed: Iterable[Completed]) -> list[Generation]:
    """The generations of ``completed`` (indexes ``0..count-1``, any order) in request order."""
    slots: list[Generation | None] = [None] * count
    for item in completed:
        slots[item.index] = item.generation
    missing = [index for index, gen in enumerate(slots) if gen is None]
    if missing:
        raise BackendError(f"the backend returned no generation for request indexes {missing} (a bug in its stream)")
    return [gen for gen in slots if gen is not None]


def completions(backend: Backend, requests: Sequence[GenerationRequest], batch_size: int) -> Iterator[Completed]:
    """Each answer as it completes: from the backend's own ``stream``, else ``generate`` ``batch_size`` at a time
    (a plugin backend without a stream; its batch is the least a kill can lose)."""
    if isinstance(backend, StreamingBackend):
        yield from backend.stream(requests)
        return
    for start in range(0, len(requests), batch_size):
        batch = requests[start : start + batch_size]
        for offset, gen in enumerate(backend.generate(batch)):
            yield Completed(index=start + offset, generation=gen)
