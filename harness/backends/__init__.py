"""Inference backends: one batch interface over llama.cpp, Ollama, transformers and OpenAI-compatible servers.

Importing this package is cheap: engines are imported by the factory that needs them.
"""

from harness.backends._embedded import EMBEDDED_NAME, embedded_gguf_path
from harness.backends._llama_eval import EVALUATED_KEY
from harness.backends._ollama import ollama_host
from harness.backends._pool import completions, in_request_order
from harness.backends._redact import redact
from harness.backends._registry import AVAILABILITY_CHECKS, BACKENDS, check_available, create_backend
from harness.backends._thinking import separate_thinking, split_thinking
from harness.backends._threads import thread_budget
from harness.backends._types import Backend, Completed, Generation, GenerationRequest, Message, StreamingBackend

__all__ = [
    "AVAILABILITY_CHECKS",
    "BACKENDS",
    "EMBEDDED_NAME",
    "EVALUATED_KEY",
    "Backend",
    "Completed",
    "Generation",
    "GenerationRequest",
    "Message",
    "StreamingBackend",
    "check_available",
    "completions",
    "create_backend",
    "embedded_gguf_path",
    "in_request_order",
    "ollama_host",
    "redact",
    "separate_thinking",
    "split_thinking",
    "thread_budget",
]
