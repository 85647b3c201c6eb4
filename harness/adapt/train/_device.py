"""Where and in what precision training runs: fp32 on CPU, bf16 (or fp16) on a CUDA GPU, QLoRA only with CUDA."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Literal

from harness.config import AdaptationConfig
from harness.errors import ConfigError, ModelUnavailable

__all__ = ["Precision", "bnb_config", "resolve_precision"]


@dataclass(frozen=True, kw_only=True)
class Precision:
    device: Literal["cpu", "cuda"]
    dtype: Literal["float32", "bfloat16", "float16"]
    qlora: bool

    @property
    def bf16(self) -> bool:
        return self.dtype == "bfloat16"

    @property
    def fp16(self) -> bool:
        return self.dtype == "float16"

    def torch_dtype(self) -> Any:
        import torch

        return getattr(torch, self.dtype)


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def resolve_precision(cfg: AdaptationConfig, *, base_is_gguf: bool) -> Precision:
    """The training device and dtype for ``cfg``; impossible combinations are errors that say the fix."""
    cuda = _cuda()
    if cfg.qlora:
        _check_qlora(cuda, base_is_gguf)
    if cfg.precision == "auto":
        return Precision(device="cuda" if cuda else "cpu", dtype=_auto_dtype(cuda), qlora=cfg.qlora)
    if cfg.precision == "fp16" and not cuda:
        raise ConfigError("adaptation.precision='fp16' needs a CUDA GPU; on CPU use precision: fp32 (or auto)")
    names = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}
    return Precision(device="cuda" if cuda else "cpu", dtype=names[cfg.precision], qlora=cfg.qlora)  # type: ignore[arg-type]


def _auto_dtype(cuda: bool) -> Literal["float32", "bfloat16", "float16"]:
    if not cuda:
        return "float32"
    import torch

    return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"


def _check_qlora(cuda: bool, base_is_gguf: bool) -> None:
    if base_is_gguf:
        raise ConfigError(
            "adaptation.qlora=true cannot re-quantise a GGUF base to 4 bit; set qlora: false (the GGUF base is "
            "already small) or point adaptation.base_model at a Hugging Face checkpoint"
        )
    if not cuda:
        raise ModelUnavailable(
            "adaptation.qlora=true needs a CUDA GPU (bitsandbytes 4-bit kernels) and none is available here",
            "run on a CUDA machine, or set adaptation.qlora: false to train LoRA in full precision",
        )
    if importlib.util.find_spec("bitsandbytes") is None:
        raise ModelUnavailable(
            "adaptation.qlora=true needs bitsandbytes, which is not installed", "pip install bitsandbytes"
        )


def bnb_config(precision: Precision) -> Any:
    """The 4-bit NF4 quantisation config for QLoRA (None without QLoRA)."""
    if not precision.qlora:
        return None
    import transformers

    config_class: Any = transformers.BitsAndBytesConfig
    return config_class(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=precision.torch_dtype(),
    )
