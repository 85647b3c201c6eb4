"""Golden tests for the one shared RAG prompt: every arm sees exactly these words."""

from __future__ import annotations

import re

import pytest

from harness.backends import Message
from harness.config import GenerationConfig
from harness.errors import HarnessError
from harness.prompting import (
    NO_RETRIEVAL_SYSTEM_PROMPT,
    REFUSAL_SENTENCE,
    SYSTEM_PROMPT,
    build_messages,
    build_request,
    format_passages,
)
from harness.retrieval._types import Chunk, Passage


def _passage(rank: int, title: str, text: str) -> Passage:
    return Passage(chunk=Chunk(chunk_id=f"d{rank}::0", doc_id=f"d{rank}", title=title, text=text), rank=rank, score=0.5)


PASSAGES = (
    _passage(1, "Eiffel Tower", "The tower was completed in 1889.\n"),
    _passage(2, "Louvre\nMuseum", "  The Louvre is in Paris.  "),
)


def test_refusal_sentence_is_exact() -> None:
    assert REFUSAL_SENTENCE == "I cannot answer this from the provided passages."


def test_system_prompt_golden() -> None:
    assert SYSTEM_PROMPT == (
        "You answer questions using only the numbered passages given with the question. "
        "Cite every passage you use as [n], for example [1] or [2][3]. "
        'If the passages do not contain the answer, reply exactly: "I cannot answer this from the provided passages." '
        "Be brief: one or two sentences."
    )


def test_no_retrieval_prompt_refuses_with_the_same_sentence() -> None:
    assert f'reply exactly: "{REFUSAL_SENTENCE}"' in NO_RETRIEVAL_SYSTEM_PROMPT
    assert "passages" not in NO_RETRIEVAL_SYSTEM_PROMPT.replace(REFUSAL_SENTENCE, "")


def test_format_passages_golden() -> None:
    assert format_passages(PASSAGES) == (
        "[1] Eiffel Tower: The tower was completed in 1889.\n\n[2] Louvre Museum: The Louvre is in Paris."
    )


def test_build_messages_with_passages_golden() -> None:
    assert build_messages(" When was it completed? ", PASSAGES) == (
        Message(role="system", content=SYSTEM_PROMPT),
        Message(
            role="user",
            content=(
                "Passages:\n"
                "[1] Eiffel Tower: The tower was completed in 1889.\n\n"
                "[2] Louvre Museum: The Louvre is in Paris.\n\n"
                "Question: When was it completed?\n"
                "Answer from the passages above and cite them as [n]."
            ),
        ),
    )


def test_build_messages_without_retrieval_golden() -> None:
    assert build_messages("When was it completed?", None) == (
        Message(role="system", content=NO_RETRIEVAL_SYSTEM_PROMPT),
        Message(role="user", content="Question: When was it completed?"),
    )


def test_retrieval_that_found_nothing_still_uses_the_rag_rules() -> None:
    system, user = build_messages("Q?", [])
    assert system.content == SYSTEM_PROMPT
    assert user.content.startswith("Passages:\n(no passages were found)\n\nQuestion: Q?")


@pytest.mark.parametrize("ranks", [[2, 1], [1, 3], [0, 1]])
def test_passage_ranks_must_be_one_to_n_in_order(ranks: list[int]) -> None:
    passages = [_passage(r, "T", "x") for r in ranks]
    with pytest.raises(HarnessError, match=re.escape(f"passage ranks={ranks} must be 1..2 in order")):
        format_passages(passages)


def test_build_request_carries_the_condition_decoding_settings() -> None:
    generation = GenerationConfig(max_tokens=64, temperature=0.0, top_p=0.9, repeat_penalty=1.1, seed=7, stop=("\n\n",))
    request = build_request("q-17", "When?", PASSAGES, generation)
    assert request.qid == "q-17" and request.messages == build_messages("When?", PASSAGES)
    assert (request.max_tokens, request.temperature, request.top_p, request.repeat_penalty, request.seed) == (
        64,
        0.0,
        0.9,
        1.1,
        7,
    )
    assert request.stop == ("\n\n",) and request.json_output is False
