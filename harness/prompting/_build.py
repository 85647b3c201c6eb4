"""Turn a question and its retrieved passages into chat messages and a generation request."""

from __future__ import annotations

from collections.abc import Sequence

from harness.backends import GenerationRequest, Message
from harness.config import GenerationConfig
from harness.errors import HarnessError
from harness.prompting._templates import NO_RETRIEVAL_SYSTEM_PROMPT, SYSTEM_PROMPT
from harness.retrieval import Passage

__all__ = ["build_messages", "build_request", "format_passages", "with_thinking_tag"]

NO_PASSAGES = "(no passages were found)"
# Repeated after the question: small models follow the rules better when they are the last thing read.
RAG_REMINDER = "Answer from the passages above and cite them as [n]."


def format_passages(passages: Sequence[Passage]) -> str:
    """``[n] Title: text`` blocks separated by blank lines; ``n`` is the passage's 1-based rank."""
    _check_ranks(passages)
    if not passages:
        return NO_PASSAGES
    return "\n\n".join(f"[{p.rank}] {_one_line(p.chunk.title)}: {p.chunk.text.strip()}" for p in passages)


def build_messages(question: str, passages: Sequence[Passage] | None) -> tuple[Message, ...]:
    """System rules plus one user turn. ``passages=None`` means retrieval is off (closed-book)."""
    if passages is None:
        return (
            Message(role="system", content=NO_RETRIEVAL_SYSTEM_PROMPT),
            Message(role="user", content=f"Question: {question.strip()}"),
        )
    user = f"Passages:\n{format_passages(passages)}\n\nQuestion: {question.strip()}\n{RAG_REMINDER}"
    return (Message(role="system", content=SYSTEM_PROMPT), Message(role="user", content=user))


def build_request(
    qid: str, question: str, passages: Sequence[Passage] | None, generation: GenerationConfig
) -> GenerationRequest:
    """The request for one test question, with the condition's decoding settings and thinking switch."""
    thinking_on = generation.thinking == "on"
    return GenerationRequest(
        qid=qid,
        messages=with_thinking_tag(build_messages(question, passages), generation),
        max_tokens=generation.token_limit + (generation.thinking_budget if thinking_on else 0),
        thinking=generation.thinking if generation.thinking_switch == "chat_template" else "default",
        thinking_budget=generation.thinking_budget if thinking_on else 0,
        temperature=generation.temperature,
        top_p=generation.top_p,
        repeat_penalty=generation.repeat_penalty,
        seed=generation.seed,
        stop=generation.stop,
    )


def with_thinking_tag(messages: tuple[Message, ...], generation: GenerationConfig) -> tuple[Message, ...]:
    """With ``thinking_switch: no_think``, the last user turn ends in ``/no_think`` (off) or ``/think`` (on)."""
    if generation.thinking == "default" or generation.thinking_switch != "no_think":
        return messages
    tag = "/think" if generation.thinking == "on" else "/no_think"
    *head, last = messages
    return (*head, Message(role=last.role, content=f"{last.content} {tag}"))


def _check_ranks(passages: Sequence[Passage]) -> None:
    # Citation scoring maps a marker [n] back to the passage with rank n, so ranks must be 1..n in order.
    ranks = [p.rank for p in passages]
    if ranks != list(range(1, len(ranks) + 1)):
        raise HarnessError(f"passage ranks={ranks} must be 1..{len(ranks)} in order; number passages by 1-based rank")


def _one_line(text: str) -> str:
    return " ".join(text.split())
