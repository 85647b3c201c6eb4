"""transformers backend: a causal LM from a local directory (or a hub id, for users with network).

Greedy ``generate`` at temperature 0 with the tokenizer's own chat template, ``generation.batch_size`` prompts
per call (left padding and an attention mask, see ``_hf_batch``). Weights load as safetensors only; remote code
runs only when the spec says ``trust_remote_code: true``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.backends._batch import OOM_REMEDY, Completion, answer_one, chat_messages, out_of_memory, timed
from harness.backends._deps import check_installed, package_version, require
from harness.backends._gpu import gpu_unavailable
from harness.backends._hf_batch import batchable, left_padded, row_tokens
from harness.backends._net import tcp_error
from harness.backends._pool import in_request_order
from harness.backends._types import Completed, Generation, GenerationRequest
from harness.cache import check_safetensors, sha256_file_memo
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError, ModelUnavailable, OutOfMemory

__all__ = ["HFBackend", "check", "create", "model_source"]

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_TRUTHY = {"1", "ON", "YES", "TRUE"}


class ContextOverflow(ValueError):
    """The prompt plus the answer budget exceed the model's context length."""


def model_source(spec: ModelSpec, model_path: Path | None = None) -> Path | str:
    """A local directory (Path) or a hub id (str)."""
    if model_path is not None:
        return Path(model_path).expanduser()
    local = Path(spec.name).expanduser()
    return spec.name if not local.exists() and _HUB_ID.match(spec.name) else local


def check(spec: ModelSpec, *, model_path: Path | None = None) -> None:
    """A local directory with config.json, or a hub id that is cached or reachable; a GPU when required."""
    check_installed("transformers", "torch")
    source = model_source(spec, model_path)
    if isinstance(source, Path):
        _check_local(source)
    else:
        _check_hub(source)
    if spec.requires_gpu and not require("torch").cuda.is_available():
        raise gpu_unavailable(spec, "torch sees no CUDA device", "run on a machine with an NVIDIA GPU and a CUDA torch")


def create(spec: ModelSpec, generation: GenerationConfig, *, model_path: Path | None = None) -> HFBackend:
    return HFBackend(spec, model_source(spec, model_path), batch_size=generation.batch_size)


def _check_local(path: Path) -> None:
    if not path.is_dir():
        raise ModelUnavailable(f"hf model directory name={path} not found", "fix model.name, or save a model there")
    if not (path / "config.json").is_file():
        raise ModelUnavailable(
            f"hf model directory name={path} has no config.json",
            "save a model there with `model.save_pretrained(dir)` and `tokenizer.save_pretrained(dir)`",
        )


def _check_hub(repo_id: str) -> None:
    hub = require("huggingface_hub")
    if isinstance(hub.try_to_load_from_cache(repo_id, "config.json"), str):
        return
    remedy = f"`hf download {repo_id}` on a machine with network, or set model.name to a local directory"
    if os.environ.get("HF_HUB_OFFLINE", "").upper() in _TRUTHY:
        raise ModelUnavailable(f"hf model name={repo_id} is not in the local HF cache and HF_HUB_OFFLINE=1", remedy)
    if (error := tcp_error(hub.constants.ENDPOINT)) is not None:
        raise ModelUnavailable(f"hf model name={repo_id} is not cached and the hub is unreachable ({error})", remedy)


class HFBackend:
    """One model and tokenizer in memory; greedy requests run ``batch_size`` per ``generate`` call (each one's
    latency is then its batch's), others one at a time."""

    def __init__(self, spec: ModelSpec, source: Path | str, *, batch_size: int = 1) -> None:
        transformers, self._torch = require("transformers"), require("torch")
        self._spec, self._source, self._batch_size = spec, source, batch_size
        self._device = "cuda" if self._torch.cuda.is_available() else "cpu"
        _check_weights(source)  # before anything maps a file: a truncated one fails here, by name
        self._tokenizer: Any = _load_tokenizer(transformers, spec, source)
        self._model: Any = _load_model(transformers, self._torch, spec, source).to(self._device).eval()
        self._base_config = _special_tokens(self._model, self._tokenizer)
        self._transformers = transformers

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        return in_request_order(len(requests), self.stream(requests))

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        """Each batch's answers as soon as its ``generate`` call returns."""
        if self._model is None:
            raise BackendError(f"hf backend for {self._source} is closed; create a new one")
        return self._batches(requests)

    def _batches(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        for start in range(0, len(requests), self._batch_size):
            chunk = requests[start : start + self._batch_size]
            for offset, gen in enumerate(self._answer_chunk(chunk)):
                yield Completed(index=start + offset, generation=gen)

    def _answer_chunk(self, chunk: Sequence[GenerationRequest]) -> list[Generation]:
        """One ``generate`` call for the chunk when it can be batched; one per request otherwise, or when the batch
        failed (so an error stays with its own question). Out of memory stops the run, naming batch_size."""
        if batchable(chunk):
            try:
                return self._generate_batch(chunk)
            except ContextOverflow:
                pass  # the one-at-a-time path records the overflow against its question
            except Exception as exc:
                if out_of_memory(exc):
                    what = f"out of memory answering a batch of {len(chunk)} from qid={chunk[0].qid}"
                    raise OutOfMemory(f"{what}; {OOM_REMEDY}") from exc
        return [answer_one(r, self._complete, self._explain) for r in chunk]

    def _generate_batch(self, chunk: Sequence[GenerationRequest]) -> list[Generation]:
        begin = time.perf_counter()
        prompts = [self._prompt_ids(r) for r in chunk]
        for request, prompt in zip(chunk, prompts, strict=True):
            self._check_fits(len(prompt), request.max_tokens)
        pad = self._base_config["pad_token_id"]
        ids, mask = left_padded(self._torch, prompts, pad, self._device)
        budget = max(r.max_tokens for r in chunk)
        with self._torch.inference_mode():
            output = self._model.generate(input_ids=ids, attention_mask=mask, generation_config=self._decoding(
                dataclasses.replace(chunk[0], max_tokens=budget)))  # fmt: skip
        latency = time.perf_counter() - begin
        width, eos = ids.shape[1], self._eos_ids()
        rows = [row_tokens(output[n, width:].tolist(), eos, r.max_tokens) for n, r in enumerate(chunk)]
        done = [self._completion(r, row, len(p)) for r, row, p in zip(chunk, rows, prompts, strict=True)]
        return [timed(r, dataclasses.replace(d, extra={**d.extra, "batch": len(chunk)}), latency)
                for r, d in zip(chunk, done, strict=True)]  # fmt: skip

    def _prompt_ids(self, request: GenerationRequest) -> list[int]:
        ids = self._tokenizer.apply_chat_template(
            chat_messages(request.messages), add_generation_prompt=True, tokenize=True, return_dict=True,
            **request.template_kwargs(),
        )["input_ids"]  # fmt: skip
        return [int(t) for t in ids]

    def _eos_ids(self) -> set[int]:
        eos = self._base_config["eos_token_id"]
        return set(eos) if isinstance(eos, list) else {eos}

    def describe(self) -> Mapping[str, object]:
        return {
            "provider": "hf",
            "model": self._spec.name,
            "source": str(self._source),
            "revision": getattr(self._model.config, "_commit_hash", None) if self._model is not None else None,
            "weights_sha256": _weights_sha256(self._source),
            "quantization": self._spec.quantization,
            "dtype": str(self._model.dtype).removeprefix("torch.") if self._model is not None else None,
            "device": self._device,
            "engine": "transformers",
            "engine_version": package_version("transformers"),
            "torch_version": package_version("torch"),
            "n_ctx": self._spec.context_length,
        }

    def close(self) -> None:
        self._model = None
        self._tokenizer = None

    def _complete(self, request: GenerationRequest) -> Completion:
        inputs = self._tokenizer.apply_chat_template(
            chat_messages(request.messages),
            add_generation_prompt=True,
            return_tensors="pt",
            return_dict=True,
            **request.template_kwargs(),
        ).to(self._device)
        n_prompt = int(inputs["input_ids"].shape[1])
        self._check_fits(n_prompt, request.max_tokens)
        with self._torch.inference_mode():
            output = self._model.generate(**inputs, generation_config=self._decoding(request), **self._stop_kw(request))
        return self._completion(request, output[0, n_prompt:].tolist(), n_prompt)

    def _check_fits(self, n_prompt: int, max_tokens: int) -> None:
        if n_prompt + max_tokens > self._spec.context_length:
            raise ContextOverflow(
                f"prompt ({n_prompt} tokens) + generation.max_tokens ({max_tokens}) exceed "
                f"model.context_length={self._spec.context_length}"
            )

    def _decoding(self, request: GenerationRequest) -> Any:
        # A fresh config, so sampling defaults shipped with the model never leak into a greedy run.
        sampling: dict[str, object] = {"do_sample": False}
        if request.temperature > 0:
            self._torch.manual_seed(request.seed)
            sampling = {"do_sample": True, "temperature": request.temperature, "top_p": request.top_p}
        return self._transformers.GenerationConfig(
            max_new_tokens=request.max_tokens,
            repetition_penalty=request.repeat_penalty,
            **sampling,
            **self._base_config,
        )

    def _stop_kw(self, request: GenerationRequest) -> dict[str, object]:
        return {"stop_strings": list(request.stop), "tokenizer": self._tokenizer} if request.stop else {}

    def _completion(self, request: GenerationRequest, new_tokens: list[int], n_prompt: int) -> Completion:
        text, stopped = _cut_at_stop(self._tokenizer.decode(new_tokens, skip_special_tokens=True), request.stop)
        ended = bool(new_tokens) and new_tokens[-1] in self._eos_ids()
        hit_limit = len(new_tokens) >= request.max_tokens and not ended and not stopped
        extra = {"json_output": "not enforced by the hf backend"} if request.json_output else {}
        return Completion(
            text=text.strip(),
            prompt_tokens=n_prompt,
            completion_tokens=len(new_tokens),
            finish_reason="length" if hit_limit else "stop",
            extra=extra,
        )

    def _explain(self, exc: BaseException) -> str:
        message = f"transformers failed: {type(exc).__name__}: {exc}"
        if isinstance(exc, ContextOverflow):
            message += "; raise model.context_length, or lower generation.max_tokens / retrieval.top_k"
        return message


def _check_weights(source: Path | str) -> None:
    if isinstance(source, Path):
        for weights in sorted(source.glob("*.safetensors")):
            check_safetensors(weights)


def _load_tokenizer(transformers: Any, spec: ModelSpec, source: Path | str) -> Any:
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(source), trust_remote_code=spec.trust_remote_code)
    except Exception as exc:  # missing or garbled tokenizer files raise OSError, ValueError, JSON errors...
        what = f"transformers could not load the tokenizer of {source}"
        raise BackendError(f"{what}: {type(exc).__name__}: {exc}") from exc
    if not getattr(tokenizer, "chat_template", None):
        raise BackendError(f"hf model {source} has no chat template; use an instruct model or add chat_template.jinja")
    return tokenizer


def _load_model(transformers: Any, torch: Any, spec: ModelSpec, source: Path | str) -> Any:
    """Safetensors weights only (never a pickle)."""
    try:
        return transformers.AutoModelForCausalLM.from_pretrained(
            str(source),
            trust_remote_code=spec.trust_remote_code,
            use_safetensors=True,
            dtype="auto" if torch.cuda.is_available() else torch.float32,
        )
    except Exception as exc:  # OSError, ValueError, SafetensorError, torch's OutOfMemoryError: all end the load
        if out_of_memory(exc):
            raise OutOfMemory(f"out of memory loading model {source}; {OOM_REMEDY}") from exc
        raise BackendError(f"transformers could not load model {source}: {type(exc).__name__}: {exc}") from exc


def _special_tokens(model: Any, tokenizer: Any) -> dict[str, Any]:
    config = model.generation_config
    eos = config.eos_token_id if config.eos_token_id is not None else tokenizer.eos_token_id
    pad = config.pad_token_id if config.pad_token_id is not None else tokenizer.pad_token_id
    return {"eos_token_id": eos, "pad_token_id": pad if pad is not None else eos}


def _cut_at_stop(text: str, stops: Sequence[str]) -> tuple[str, bool]:
    """``text`` up to the first stop string (excluded, as the other engines do), and whether one was hit."""
    cuts = [text.index(s) for s in stops if s and s in text]
    return (text[: min(cuts)], True) if cuts else (text, False)


def _weights_sha256(source: Path | str) -> str | None:
    """One digest over the directory's safetensors files (None for a hub id: its revision says it)."""
    if not isinstance(source, Path):
        return None
    digest = hashlib.sha256()
    for file in sorted(source.glob("*.safetensors")):
        digest.update(f"{file.name}:{sha256_file_memo(file)}\n".encode())
    return digest.hexdigest()
