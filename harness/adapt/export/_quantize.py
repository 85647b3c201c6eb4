"""Quantise an F16 GGUF with llama.cpp's own quantiser (``llama_model_quantize``), in process."""

from __future__ import annotations

import ctypes
from pathlib import Path

from harness.adapt.export._llama import quiet_llama
from harness.backends import thread_budget
from harness.errors import ConfigError, HarnessError

__all__ = ["QUANT_FTYPES", "quantize_gguf"]

QUANT_FTYPES = {
    "Q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0",
    "Q4_K_M": "LLAMA_FTYPE_MOSTLY_Q4_K_M",
    "Q4_1": "LLAMA_FTYPE_MOSTLY_Q4_1",
}


def quantize_gguf(source: Path, out: Path, quantization: str) -> Path:
    """``source`` (F16) -> ``out`` in ``quantization``. Tensors whose width does not fit a k-quant
    block get llama.cpp's usual fallback type."""
    if quantization not in QUANT_FTYPES:
        raise ConfigError(f"quantization={quantization!r} is not one of {', '.join(QUANT_FTYPES)}")
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, QUANT_FTYPES[quantization])
    params.nthread = thread_budget()
    with quiet_llama() as log:
        code = llama_cpp.llama_model_quantize(str(source).encode(), str(out).encode(), ctypes.byref(params))
    if code != 0 or not out.is_file():
        tail = " | ".join(log[-3:])
        raise HarnessError(f"llama.cpp could not quantise {source.name} to {quantization} (code {code}): {tail}")
    return out
