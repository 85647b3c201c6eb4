"""The one shared prompt: system rules, numbered passages, and the request built from them."""

from harness.prompting._build import build_messages, build_request, format_passages, with_thinking_tag
from harness.prompting._templates import (
    NO_RETRIEVAL_SYSTEM_PROMPT,
    PROMPT_VERSION,
    REFUSAL_SENTENCE,
    SYSTEM_PROMPT,
)

__all__ = [
    "NO_RETRIEVAL_SYSTEM_PROMPT",
    "PROMPT_VERSION",
    "REFUSAL_SENTENCE",
    "SYSTEM_PROMPT",
    "build_messages",
    "build_request",
    "format_passages",
    "with_thinking_tag",
]
