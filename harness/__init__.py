"""A pytest-driven benchmark harness for model adaptation (RAG vs LoRA vs both)."""

from harness.errors import HarnessError

__all__ = ["HarnessError", "__version__"]
__version__ = "0.1.0"
