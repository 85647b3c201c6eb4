"""Quantise an F16 GGUF with llama.cpp's own quantiser (``llama_model_quantize``), in process."""

from __future__ import annotations

import ctypes
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.errors import ConfigError, HarnessError

__all__ = ["QUANT_FTYPES", "quantize_gguf"]

QUANT_FTYPES = {
    "Q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0",
    "Q4_K_M": "LLAMA_FTYPE_MOSTLY_Q4_K_M",
    "Q4_1": "LLAMA_FTYPE_MOSTLY_Q4_1",
}


def _threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def quantize_gguf(source: Path, out: Path, quantization: str) -> Path:
    """``source`` (F16) -> ``out`` in ``quantization``. Tensors whose width does not fit a k-quant
    block get llama.cpp's usual fallback type."""
    if quantization not in QUANT_FTYPES:
        raise ConfigError(f"quantization={quantization!r} is not one of {', '.join(QUANT_FTYPES)}")
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, QUANT_FTYPES[quantization])
    params.nthread = _threads()
    with _quiet_llama() as log:
        code = llama_cpp.llama_model_quantize(str(source).encode(), str(out).encode(), ctypes.byref(params))
    if code != 0 or not out.is_file():
        tail = " | ".join(log[-3:])
        raise HarnessError(f"llama.cpp could not quantise {source.name} to {quantization} (code {code}): {tail}")
    return out


@contextmanager
def _quiet_llama() -> Iterator[list[str]]:
    """llama.cpp prints a line per tensor (and fallback-type notes) straight to fd 2; collect them instead.

    The yielded list holds those lines once the block has ended."""
    logger = logging.getLogger("llama-cpp-python")
    level, lines = logger.level, list[str]()
    logger.setLevel(logging.ERROR)
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            logger.setLevel(level)
            sink.seek(0)
            lines.extend(sink.read().decode(errors="replace").splitlines())
