"""Prompts answered in prefix order, each answer handed back under its own request's index (no model: a scripted
stream). The model's side, identical answers and fewer prompt tokens evaluated, is in
``conformance/scale/test_scale_prefix_order.py``."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.backends import Completed, Generation, GenerationRequest, Message
from harness.backends._prefix_order import in_prefix_order, prefix_order

SYSTEM = "Answer from the passages."


def _request(qid: str, user: str, system: str = SYSTEM) -> GenerationRequest:
    messages = (Message(role="system", content=system), Message(role="user", content=user))
    return GenerationRequest(qid=qid, messages=messages, max_tokens=4)


def _rendered(request: GenerationRequest) -> str:
    """A chat template's shape: a header naming the role, then the content, message after message."""
    return "".join(f"<|{m.role}|>{m.content}<|end|>" for m in request.messages)


def _shared(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _adjacent_sharing(requests: Sequence[GenerationRequest]) -> int:
    """Characters each prompt shares with the one before it: what a prefix cache can reuse."""
    texts = [_rendered(r) for r in requests]
    return sum(_shared(a, b) for a, b in itertools.pairwise(texts))


def _interleaved_articles() -> list[GenerationRequest]:
    """Three questions on each of three articles, in data set order (article after article, round after round)."""
    return [
        _request(f"{article}{n}", f"Passages:\n[1] {article}: about {article}.\n\nQuestion: number {n}?")
        for n in range(3)
        for article in ("Normans", "Amazon", "Steam")
    ]


def test_prompts_with_the_same_leading_passage_run_back_to_back() -> None:
    requests = _interleaved_articles()
    order = prefix_order(requests)
    assert sorted(order) == list(range(len(requests)))
    articles = [requests[i].qid[:-1] for i in order]
    assert articles == ["Amazon"] * 3 + ["Normans"] * 3 + ["Steam"] * 3
    assert [requests[i].qid for i in order][:3] == ["Amazon0", "Amazon1", "Amazon2"]  # ties keep request order


def test_equal_prompts_keep_request_order() -> None:
    requests = [_request(f"q{n}", "same question") for n in range(4)]
    assert prefix_order(requests) == [0, 1, 2, 3]


_CONTENT = st.text(alphabet="ab ", max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["s1", "s2"]), _CONTENT), min_size=1, max_size=8), st.randoms())
def test_prefix_order_shares_at_least_as_much_as_any_order(prompts: list[tuple[str, str]], rng: random.Random) -> None:
    """Sorted order maximises what neighbours share (at each length, prompts with a common prefix form one run), so
    no other order of the same prompts shares more: here the given order and a shuffled one."""
    requests = [_request(f"q{n}", user, system) for n, (system, user) in enumerate(prompts)]
    ordered = [requests[i] for i in prefix_order(requests)]
    shuffled = list(requests)
    rng.shuffle(shuffled)
    best = _adjacent_sharing(ordered)
    assert best >= _adjacent_sharing(requests) and best >= _adjacent_sharing(shuffled)


def _answer(request: GenerationRequest) -> Generation:
    return Generation(qid=request.qid, text=f"answer to {request.qid}", latency_s=0.0, prompt_tokens=1,
                      completion_tokens=1, finish_reason="stop")  # fmt: skip


def test_each_answer_comes_back_under_its_own_request_index() -> None:
    requests = _interleaved_articles()
    seen: list[str] = []

    def stream(batch: Sequence[GenerationRequest]) -> Iterator[Completed]:
        seen.extend(r.qid for r in batch)
        # Completing in reverse: indexes, not arrival order, must carry each answer to its request.
        for index in reversed(range(len(batch))):
            yield Completed(index=index, generation=_answer(batch[index]))

    out = list(in_prefix_order(requests, stream))
    assert seen == [requests[i].qid for i in prefix_order(requests)] != [r.qid for r in requests]
    assert sorted(item.index for item in out) == list(range(len(requests)))
    assert all(requests[item.index].qid == item.generation.qid for item in out)
