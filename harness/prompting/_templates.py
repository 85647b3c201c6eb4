"""The one RAG prompt every arm shares, so arms differ only in what the condition varies.

Change the wording here and bump ``PROMPT_VERSION``: cached generations key on it.
"""

from __future__ import annotations

__all__ = ["NO_RETRIEVAL_SYSTEM_PROMPT", "PROMPT_VERSION", "REFUSAL_SENTENCE", "SYSTEM_PROMPT"]

PROMPT_VERSION = "rag-v1"

REFUSAL_SENTENCE = "I cannot answer this from the provided passages."

SYSTEM_PROMPT = (
    "You answer questions using only the numbered passages given with the question. "
    "Cite every passage you use as [n], for example [1] or [2][3]. "
    f'If the passages do not contain the answer, reply exactly: "{REFUSAL_SENTENCE}" '
    "Be brief: one or two sentences."
)

NO_RETRIEVAL_SYSTEM_PROMPT = (
    "You answer questions briefly from your own knowledge: one or two sentences. "
    f'If you are not sure of the answer, reply exactly: "{REFUSAL_SENTENCE}"'
)
