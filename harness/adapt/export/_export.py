"""Export one model: F16 GGUF (and a GGUF LoRA) by llama.cpp's converters, checked, quantised, with a Modelfile.

The same code serves the adaptation pipeline and ``harness export``. Checks, in order, each failing the export
with the prompt and position it concerns:

- tokenisation: every rendered evaluation prompt (chat template included) tokenises identically in
  transformers and in the F16 GGUF;
- greedy parity: the transformers model (the reference) and the F16 GGUF pick the same tokens, up to the
  near-tie rule of :mod:`harness.adapt.export._parity`;
- LoRA parity (when an adapter is given): the merged F16 GGUF and the base F16 GGUF with the converted LoRA
  attached in llama.cpp pick the same tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.adapt.export._convert import convert_lora, convert_model
from harness.adapt.export._converters import Converters, find_converters
from harness.adapt.export._modelfile import modelfile_spec, write_modelfile
from harness.adapt.export._parity import (
    NEAR_TIE_TOLERANCE,
    ParityReport,
    TokenizationReport,
    compare_runs,
    compare_tokenization,
    greedy_llama,
    greedy_transformers,
    tokenize_llama,
)
from harness.adapt.export._quantize import quantize_gguf
from harness.errors import HarnessError

__all__ = ["PARITY_TOKENS", "ExportCheckFailed", "ExportJob", "ParityPrompt", "export_model", "parity_prompts"]

PARITY_TOKENS = 8


class ExportCheckFailed(HarnessError):
    """An exported file does not behave like the model it came from."""


@dataclass(frozen=True, kw_only=True)
class ParityPrompt:
    """A rendered evaluation prompt: its text and transformers' token ids of it (``ids`` may be a tail of them)."""

    text: str
    ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class ExportJob:
    model_dir: Path  # a Hugging Face directory: config, safetensors, tokenizer files
    out: Path  # GGUF files, the GGUF LoRA and the Modelfile go here
    work: Path  # scratch (the base's F16 GGUF for the LoRA check)
    quantizations: tuple[str, ...]
    prompts: tuple[ParityPrompt, ...]
    reference: Any  # the transformers model whose weights ``model_dir`` holds
    tokenizer: Any
    adapter_dir: Path | None = None  # a peft adapter to convert to a GGUF LoRA, and check
    base_dir: Path | None = None  # the Hugging Face directory of the base the adapter attaches to
    serve_quantization: str | None = None  # the file the Modelfile points at (default: the first)
    keep_f16: bool = True
    name: str | None = None  # general.name of the GGUF files: keep the base model's name in it (see convert_model)


def export_model(
    job: ExportJob,
    *,
    stage: Callable[[str], Any] | None = None,
    converters: Converters | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Write and check every file of ``job``; return what a metadata record says of them (paths relative).
    ``progress`` hears each step of the checks and each quantisation as it starts (they took minutes, silently)."""
    timer = stage or _no_timer
    say = progress or (lambda _line: None)
    tools = converters or find_converters()
    job.out.mkdir(parents=True, exist_ok=True)
    job.work.mkdir(parents=True, exist_ok=True)
    f16 = (job.out if job.keep_f16 else job.work) / "model.F16.gguf"
    with timer("gguf_f16"):
        convert_model(job.model_dir, f16, name=job.name, converters=tools)
    lora = None
    if job.adapter_dir is not None:
        with timer("gguf_lora"):
            lora = convert_lora(job.adapter_dir, _base_dir(job), job.out / "adapter.lora.gguf", converters=tools)
    with timer("parity_checks"):
        checks = _checks(job, f16, lora, tools, say)
    with timer("quantize"):
        files = _quantize_all(job, f16, say)
    record: dict[str, Any] = {
        "converter": {"llama_cpp_python": tools.version, "root": str(tools.root)},
        "gguf": {q: p.name for q, p in files.items()},
        "sizes": {q: p.stat().st_size for q, p in files.items()},
        "lora_gguf": lora.name if lora else None,
        "checks": checks,
        "modelfile": _modelfile(job, files),
    }
    return record


def _no_timer(_: str) -> Any:
    from contextlib import nullcontext

    return nullcontext()


def _base_dir(job: ExportJob) -> Path:
    if job.base_dir is None:
        raise HarnessError("an adapter export needs base_dir: the Hugging Face directory of the adapter's base")
    return job.base_dir


def _checks(
    job: ExportJob, f16: Path, lora: Path | None, tools: Converters, say: Callable[[str], None]
) -> dict[str, Any]:
    texts = [p.text for p in job.prompts]
    n = len(texts)
    say(f"parity 1/4: tokenising {n} prompts with transformers and with the GGUF vocabulary")
    hf_ids = [list(job.tokenizer(t, add_special_tokens=False)["input_ids"]) for t in texts]
    tokens = compare_tokenization("tokenization_transformers_vs_gguf", hf_ids, tokenize_llama(f16, texts))
    ids = [p.ids for p in job.prompts]
    say(f"parity 2/4: greedy {PARITY_TOKENS} tokens x {n} prompts, F16 GGUF (llama.cpp) and transformers")
    merged_runs = greedy_llama(f16, ids, PARITY_TOKENS)
    reports = [compare_runs("transformers_vs_f16_gguf", greedy_transformers(job.reference, ids, PARITY_TOKENS),
                            merged_runs, NEAR_TIE_TOLERANCE)]  # fmt: skip
    if lora is not None:
        say("parity 3/4: converting the base to F16 GGUF, to attach the GGUF LoRA to")
        base_f16 = convert_model(_base_dir(job), job.work / "base.F16.gguf", name=job.name, converters=tools)
        say(f"parity 4/4: greedy {PARITY_TOKENS} tokens x {n} prompts, base GGUF + LoRA vs merged")
        base_runs = greedy_llama(base_f16, ids, PARITY_TOKENS, lora=lora)
        reports.append(compare_runs("merged_vs_base_plus_lora", merged_runs, base_runs, NEAR_TIE_TOLERANCE))
        base_f16.unlink()
    every: list[TokenizationReport | ParityReport] = [tokens, *reports]
    failed = [r for r in every if not r.ok]
    bad = [f"{r.name}: {'; '.join(r.mismatches)}" for r in failed]
    if bad:
        raise ExportCheckFailed(f"GGUF export check failed for {job.model_dir}: {' | '.join(bad)}")
    return {tokens.name: tokens.summary(), **{r.name: r.summary() for r in reports}}


def _quantize_all(job: ExportJob, f16: Path, say: Callable[[str], None]) -> dict[str, Path]:
    files = {"F16": f16} if "F16" in job.quantizations else {}
    levels = [q for q in job.quantizations if q != "F16"]
    for i, quantization in enumerate(levels, 1):
        if quantization != "F16":
            say(f"quantize {i}/{len(levels)}: {quantization}")
            files[quantization] = quantize_gguf(f16, job.out / f"model.{quantization}.gguf", quantization)
    if not job.keep_f16:
        f16.unlink(missing_ok=True)
    return files


def _modelfile(job: ExportJob, files: dict[str, Path]) -> dict[str, Any]:
    chosen = job.serve_quantization if job.serve_quantization in files else next(iter(files))
    spec = modelfile_spec(files[chosen])
    path = write_modelfile(job.out / "Modelfile", files[chosen].name, spec)
    return {"path": path.name, "from": chosen, **spec.summary()}


def parity_prompts(
    tokenizer: Any, conversations: Sequence[Sequence[Any]], tail: int, template_kwargs: Mapping[str, Any] | None = None
) -> tuple[ParityPrompt, ...]:
    """Render each conversation with the tokenizer's chat template (generation prompt on, plus ``template_kwargs``
    such as ``enable_thinking``, as evaluation renders it); keep the last ``tail`` ids."""
    prompts = []
    for messages in conversations:
        dicts = [m if isinstance(m, dict) else {"role": m.role, "content": m.content} for m in messages]
        text = tokenizer.apply_chat_template(
            dicts, tokenize=False, add_generation_prompt=True, **dict(template_kwargs or {})
        )
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        prompts.append(ParityPrompt(text=text, ids=tuple(int(i) for i in ids[-tail:])))
    return tuple(prompts)
