"""Optional dependencies: import them only when a backend needs them, and say how to install them."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from types import ModuleType

from harness.errors import ModelUnavailable

__all__ = ["PIP", "check_installed", "package_version", "require"]

# The exact install command for each optional engine (versions pinned in pyproject.toml).
PIP = {
    "llama_cpp": "pip install llama-cpp-python==0.3.36",
    "ollama": "pip install ollama==0.6.3",
    "openai": "pip install openai==3.54.0",
    "transformers": "pip install transformers==5.23.0",
    "torch": "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu",
    "huggingface_hub": "pip install transformers==5.23.0",
}


def _missing(module: str) -> ModelUnavailable:
    return ModelUnavailable(f"python package {module!r} is not installed", PIP.get(module, f"pip install {module}"))


def check_installed(*modules: str) -> None:
    """Cheap check (no import) that each module could be imported."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise _missing(module)


def require(module: str) -> ModuleType:
    """Import an optional engine, or raise ModelUnavailable naming the pip command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise _missing(module) from exc


def package_version(distribution: str) -> str:
    """Installed version of a distribution, or ``unknown``."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
