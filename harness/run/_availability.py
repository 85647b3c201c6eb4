"""Can this machine run a condition? If not, say exactly why and what would fix it."""

from __future__ import annotations

from pathlib import Path

from harness.config import Condition
from harness.errors import ModelUnavailable

__all__ = ["check_condition", "cuda_available"]


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def check_condition(cond: Condition) -> None:
    """Raise ModelUnavailable when a model the condition needs is absent here.

    Training prerequisites are checked first: for a fine-tuned condition the serving model does
    not exist until the pipeline builds it, so the base model and the GPU are what is missing.
    """
    if cond.adaptation.enabled:
        _check_training_base(cond)
    if cond.model.requires_gpu and not cuda_available():
        raise ModelUnavailable(
            f"{cond.name}: model {cond.model.name!r} (fine-tuned from {cond.adaptation.base_model!r}) "
            "needs a CUDA GPU and none is available on this machine",
            "run on a machine with a CUDA GPU and `pip install torch==2.13.0` with CUDA support",
        )
    if cond.adaptation.enabled or cond.model.provider == "oracle":
        return  # produced by the adaptation stage; or the oracle, which answers from the run's own data set
    from harness.backends import check_available

    check_available(cond.model)


def _check_training_base(cond: Condition) -> None:
    base = cond.adaptation.base_model
    if base == "embedded" or Path(base).is_dir():
        return
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(base, local_files_only=True)
    except Exception:
        raise ModelUnavailable(
            f"{cond.name}: base model {base!r} is not in the local Hugging Face cache and the hub is unreachable",
            f"huggingface-cli download {base}  (or set adaptation.base_model to a local directory)",
        ) from None
