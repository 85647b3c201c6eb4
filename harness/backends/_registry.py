"""Backends by provider name, and the availability check that runs before one is built.

Each provider module ``harness.backends._<provider>`` exposes ``create`` and ``check``; both are
registered lazily, so importing the harness never imports an engine.
"""

from __future__ import annotations

from pathlib import Path

from harness.backends._types import Backend
from harness.config import GenerationConfig, ModelSpec
from harness.registry import Registry

__all__ = ["AVAILABILITY_CHECKS", "BACKENDS", "check_available", "create_backend"]

BACKENDS: Registry[Backend] = Registry("backend", entry_point_group="harness.backends")
AVAILABILITY_CHECKS: Registry[None] = Registry("backend availability check", entry_point_group="harness.backend_checks")

for _provider in ("llama_cpp", "ollama", "hf", "openai", "oracle"):
    BACKENDS.register(_provider, f"harness.backends._{_provider}:create")
    AVAILABILITY_CHECKS.register(_provider, f"harness.backends._{_provider}:check")


def check_available(spec: ModelSpec, *, model_path: Path | None = None) -> None:
    """Raise ModelUnavailable (reason + the command that would fix it) when this machine lacks the model.

    Fast: file checks and short-timeout probes only; no model is loaded. A plugin backend
    without a registered check is assumed available.
    """
    BACKENDS.get(spec.provider)  # an unknown provider fails here with "did you mean"
    if spec.provider in AVAILABILITY_CHECKS:
        AVAILABILITY_CHECKS.get(spec.provider)(spec, model_path=model_path)


def create_backend(spec: ModelSpec, generation: GenerationConfig, *, model_path: Path | None = None) -> Backend:
    """Check availability, then build the backend. ``model_path`` overrides the spec's file or directory
    (an adapted model's GGUF export or merged checkpoint)."""
    check_available(spec, model_path=model_path)
    return BACKENDS.get(spec.provider)(spec, generation, model_path=model_path)
