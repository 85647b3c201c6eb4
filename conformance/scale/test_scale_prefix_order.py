"""The embedded model answers RAG prompts in prefix order with the same greedy answers as in request order, and
evaluates fewer prompt tokens doing it; each generation says how many of its prompt tokens were evaluated."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from conformance.scale._fixture_prompts import fixture_requests
from harness.backends import EVALUATED_KEY, Generation, GenerationRequest, embedded_gguf_path
from harness.backends._llama_cpp import LlamaCppBackend
from harness.config import GenerationConfig, ModelSpec

pytestmark = pytest.mark.slow

EMBEDDED = ModelSpec(provider="llama_cpp", name="embedded", quantization="Q4_1", context_length=2048)
# Three pairs of fixture questions shown the same gold passage (test questions 0-1, 6-7, 16-17), one of each pair
# after the other, as a data set in article order hands them over when passages repeat across articles.
PAIRS = (0, 6, 16, 1, 7, 17)


@pytest.fixture(scope="module")
def requests(tmp_path_factory: pytest.TempPathFactory) -> list[GenerationRequest]:
    fixture = fixture_requests(tmp_path_factory.mktemp("cache"), n=max(PAIRS) + 1, max_tokens=24)
    picked = [fixture[i] for i in PAIRS]
    assert picked[0].messages[1].content.split("\n")[1] == picked[3].messages[1].content.split("\n")[1]
    return picked


def _answers(requests: Sequence[GenerationRequest], *, prefix_order: bool, sequences: int) -> list[Generation]:
    backend = LlamaCppBackend(
        EMBEDDED, GenerationConfig(parallel_sequences=sequences), embedded_gguf_path(), prefix_order=prefix_order
    )
    try:
        return backend.generate(requests)
    finally:
        backend.close()


def _evaluated(gens: Sequence[Generation]) -> list[int]:
    counts = [g.extra[EVALUATED_KEY] for g in gens]
    assert all(isinstance(c, int) for c in counts), counts
    return [c for c in counts if isinstance(c, int)]


def _fields(gens: Sequence[Generation]) -> list[tuple[str, str, int, int, str]]:
    return [(g.qid, g.text, g.prompt_tokens, g.completion_tokens, g.finish_reason) for g in gens]


def _reused(gens: Sequence[Generation]) -> list[int]:
    """Prompt tokens each generation found in its instance's cache."""
    return [g.prompt_tokens - e for g, e in zip(gens, _evaluated(gens), strict=True)]


@pytest.fixture(scope="module")
def plain(requests: list[GenerationRequest]) -> list[Generation]:
    """Request order on one instance: no two neighbours share a passage, only the header (system prompt, the
    article's title) is reused."""
    return _answers(requests, prefix_order=False, sequences=1)


def _passage_reuses(gens: Sequence[Generation], plain: Sequence[Generation]) -> int:
    """How many generations reused more than the header plus 50 tokens: the second of a pair on one instance."""
    header = max(_reused(plain)[1:])
    return sum(r > header + 50 for r in _reused(gens))


def test_prefix_order_gives_the_same_answers_in_request_order_and_evaluates_less(
    requests: list[GenerationRequest], plain: list[Generation]
) -> None:
    ordered = _answers(requests, prefix_order=True, sequences=1)
    assert [g.qid for g in ordered] == [r.qid for r in requests]
    assert all(g.error is None for g in plain) and len({g.text for g in plain}) > 1
    assert _fields(ordered) == _fields(plain)
    # A fresh instance evaluates the whole first prompt; the rest reuse the header at least.
    assert _evaluated(plain)[0] == plain[0].prompt_tokens
    assert all(0 < e < g.prompt_tokens for e, g in zip(_evaluated(plain)[1:], plain[1:], strict=True))
    # In prefix order the second question of each pair reuses the whole shared passage as well.
    assert _passage_reuses(ordered, plain) == 3
    assert sum(_evaluated(ordered)) < sum(_evaluated(plain))


def test_prefix_order_on_parallel_instances_gives_the_same_answers_and_keeps_neighbours_together(
    requests: list[GenerationRequest], plain: list[Generation]
) -> None:
    ordered = _answers(requests, prefix_order=True, sequences=2)
    assert _fields(ordered) == _fields(plain)
    # Sorted, the pairs are [a a b | b c c] in two blocks: a and c each on one instance (a stolen request could
    # split c; the first block's pair a cannot be, so at least one). A shared queue would split every pair.
    assert _passage_reuses(ordered, plain) >= 1


def test_the_same_prompt_again_is_answered_afresh_with_the_same_answer(requests: list[GenerationRequest]) -> None:
    """From a cache holding the whole prompt, llama-cpp-python would re-evaluate its last token alone, which gave
    another answer here; prefix order makes duplicates neighbours, so the backend starts them from scratch."""
    again = _answers([requests[0], requests[0]], prefix_order=True, sequences=1)
    assert _evaluated(again) == [again[0].prompt_tokens] * 2 and again[0].text == again[1].text
