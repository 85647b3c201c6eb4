"""Answer a batch in an order that puts prompts sharing their leading text back to back.

llama.cpp keeps the KV cache of the longest token prefix a prompt shares with the one before it (see
``_llama_cpp``). RAG prompts share the system prompt and, for questions about the same article, their leading
passages, but in data set order such neighbours are scattered, so most of each prompt is evaluated again. Sorted by
their messages, prompts with the same leading passages run one after the other. Each answer is still handed over
under its request's own index, so results, journal records and progress are per request as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from harness.backends._types import Completed, GenerationRequest

__all__ = ["in_prefix_order", "prefix_order"]

Stream = Callable[[Sequence[GenerationRequest]], Iterator[Completed]]


def prefix_order(requests: Sequence[GenerationRequest]) -> list[int]:
    """Request indexes sorted by prompt; equal prompts keep request order (``sorted`` is stable)."""
    return sorted(range(len(requests)), key=lambda index: _prompt_key(requests[index]))


def in_prefix_order(requests: Sequence[GenerationRequest], stream: Stream) -> Iterator[Completed]:
    """``stream`` the requests in :func:`prefix_order`, each answer under its index in ``requests``."""
    order = prefix_order(requests)
    for item in stream([requests[index] for index in order]):
        yield Completed(index=order[item.index], generation=item.generation)


def _prompt_key(request: GenerationRequest) -> tuple[tuple[str, str], ...]:
    # A chat template writes each message as a header naming its role, then its content, in message order: prompts
    # sorted by (role, content) pairs are sorted by rendered text as far as shared prefixes go, without the template.
    return tuple((message.role, message.content) for message in request.messages)
