"""The package versions every result and artifact records (one list, so run results and adapter metadata agree)."""

from __future__ import annotations

from functools import cache
from importlib import metadata

__all__ = ["PACKAGES", "package_versions"]

PACKAGES = (
    "adapt-bench-harness",
    "torch",
    "transformers",
    "peft",
    "trl",
    "accelerate",
    "datasets",
    "safetensors",
    "llama-cpp-python",
    "gguf",
    "faiss-cpu",
    "sentence-transformers",
    "numpy",
    "scipy",
    "statsmodels",
    "pytest",
    "ollama",
    "openai",
)


@cache
def package_versions() -> dict[str, str | None]:
    """name -> installed version, None when the package is not installed."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
