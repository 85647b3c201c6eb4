"""The ``requires_gpu`` check for local engines (for Ollama and OpenAI the GPU belongs to the server)."""

from __future__ import annotations

from harness.config import ModelSpec
from harness.errors import ModelUnavailable

__all__ = ["gpu_unavailable"]


def gpu_unavailable(spec: ModelSpec, why: str, remedy: str) -> ModelUnavailable:
    """The error for a GPU-sized model on a machine (or engine build) without a usable GPU."""
    return ModelUnavailable(
        f"model {spec.identity} needs a GPU (requires_gpu=true) but {why}",
        f"{remedy}; or run only the CPU-sized conditions (e.g. `pytest -k 'not 3b'`)",
    )
