"""What a run's answers cost the engine (``result.json`` -> ``generations.prompt_tokens``): prompt tokens submitted,
and evaluated where the engine counts them, summed over the answers computed in this run (a scripted backend)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from harness.backends import EVALUATED_KEY, Completed, Generation, GenerationRequest, Message
from harness.run._answers import CountingBackend


def _request(n: int) -> GenerationRequest:
    return GenerationRequest(qid=f"q{n}", messages=(Message(role="user", content=f"question {n}"),), max_tokens=4)


class Scripted:
    """Answers request ``n`` with ``100 + n`` prompt tokens, of which ``counts[n]`` evaluated (absent: not counted)."""

    def __init__(self, counts: Mapping[int, int], failing: frozenset[int] = frozenset()) -> None:
        self.counts, self.failing = counts, failing

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return [self._answer(r) for r in requests]

    def describe(self) -> Mapping[str, object]:
        return {"provider": "scripted"}

    def close(self) -> None:
        pass

    def _answer(self, request: GenerationRequest) -> Generation:
        n = int(request.qid[1:])
        if n in self.failing:
            return Generation(qid=request.qid, text="", latency_s=0.0, prompt_tokens=0, completion_tokens=0,
                              finish_reason="error", error="engine failed", extra={EVALUATED_KEY: 7})  # fmt: skip
        extra = {EVALUATED_KEY: self.counts[n]} if n in self.counts else {}
        return Generation(qid=request.qid, text="a", latency_s=0.0, prompt_tokens=100 + n, completion_tokens=1,
                          finish_reason="stop", extra=extra)  # fmt: skip


class ScriptedStream(Scripted):
    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        for index in reversed(range(len(requests))):
            yield Completed(index=index, generation=self._answer(requests[index]))


def test_submitted_and_evaluated_are_summed_over_streamed_answers_without_failures() -> None:
    counting = CountingBackend(ScriptedStream({0: 100, 1: 30, 2: 5, 3: 1}, failing=frozenset({3})), batch_size=2)
    assert counting.prompt_tokens() == {"submitted": 0, "evaluated": 0}
    items = list(counting.stream([_request(n) for n in range(4)]))
    assert len(items) == 4 and counting.generated == 4
    assert counting.prompt_tokens() == {"submitted": 100 + 101 + 102, "evaluated": 100 + 30 + 5}


def test_a_backend_without_a_stream_is_counted_batch_by_batch() -> None:
    counting = CountingBackend(Scripted({0: 100, 1: 2, 2: 3}), batch_size=2)
    list(counting.stream([_request(n) for n in range(3)]))
    counting.generate([_request(0)])  # the first question again, through generate
    assert counting.prompt_tokens() == {"submitted": 100 + 101 + 102 + 100, "evaluated": 100 + 2 + 3 + 100}


def test_one_answer_without_a_count_makes_the_evaluated_total_unknown() -> None:
    counting = CountingBackend(ScriptedStream({0: 100, 2: 5}), batch_size=2)
    list(counting.stream([_request(n) for n in range(3)]))
    assert counting.prompt_tokens() == {"submitted": 100 + 101 + 102, "evaluated": None}
