"""The export stage: F16 GGUF of the merged model, a GGUF LoRA adapter, parity checks, quantisations, Modelfile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.adapt._gguf_export import write_model_gguf
from harness.adapt._gguf_lora import write_lora_gguf
from harness.adapt._ollama import chatml_template, write_modelfile
from harness.adapt._parity import ParityReport, compare_runs, greedy_llama, greedy_transformers
from harness.adapt._quantize import quantize_gguf
from harness.adapt._timing import StageTimer
from harness.errors import HarnessError

__all__ = ["PARITY_TOKENS", "PARITY_TOLERANCE", "ExportInput", "export_all", "parity_checks"]

PARITY_TOKENS = 8
PARITY_TOLERANCE = 1.0  # summed logit gap under which a first divergence counts as a near tie


@dataclass(frozen=True, kw_only=True)
class ExportInput:
    out: Path  # the artifact directory being built
    work: Path  # scratch space outside the artifact
    base_model: Any  # the (continual-merged) base the adapter was trained on
    merged: Any
    tokenizer: Any
    vocab_gguf: Path
    name: str
    quantizations: tuple[str, ...]
    serve_quantization: str
    prompts: Sequence[Sequence[int]]


def _f16_path(job: ExportInput) -> Path:
    return (job.out / "gguf" if "F16" in job.quantizations else job.work) / "model.F16.gguf"


def export_all(job: ExportInput, timer: StageTimer) -> dict[str, Any]:
    """Write every export of ``job`` and return what the metadata records about them (paths relative)."""
    (job.out / "gguf").mkdir(parents=True, exist_ok=True)
    f16, lora = _f16_path(job), job.out / "gguf" / "adapter.lora.gguf"
    with timer("gguf_f16"):
        write_model_gguf(job.merged, f16, vocab_source=job.vocab_gguf, name=job.name)
    with timer("gguf_lora"):
        write_lora_gguf(job.out / "adapter", job.base_model.config, lora)
    with timer("parity_checks"):
        checks = parity_checks(job, f16, lora)
    with timer("quantize"):
        files = _quantize_all(job, f16)
    return {
        "gguf": {q: p.relative_to(job.out).as_posix() for q, p in files.items()},
        "sizes": {q: p.stat().st_size for q, p in files.items()},
        "lora_gguf": lora.relative_to(job.out).as_posix(),
        "checks": checks,
        "modelfile": _modelfile(job, files),
    }


def parity_checks(job: ExportInput, f16: Path, lora: Path) -> dict[str, Any]:
    """Greedy tokens: merged transformers model == F16 GGUF, and merged F16 == base F16 + GGUF LoRA."""
    base_f16 = write_model_gguf(job.base_model, job.work / "base.F16.gguf", vocab_source=job.vocab_gguf, name="base")
    merged_gguf = greedy_llama(f16, job.prompts, PARITY_TOKENS)
    reports = [
        compare_runs(
            "transformers_vs_f16_gguf",
            greedy_transformers(job.merged, job.prompts, PARITY_TOKENS),
            merged_gguf,
            PARITY_TOLERANCE,
        ),
        compare_runs(
            "merged_vs_base_plus_lora",
            merged_gguf,
            greedy_llama(base_f16, job.prompts, PARITY_TOKENS, lora=lora),
            PARITY_TOLERANCE,
        ),
    ]
    base_f16.unlink()
    _raise_on_mismatch(reports)
    return {r.name: r.summary() for r in reports}


def _raise_on_mismatch(reports: Sequence[ParityReport]) -> None:
    bad = [f"{r.name}: {'; '.join(r.mismatches)}" for r in reports if not r.ok]
    if bad:
        raise HarnessError(f"GGUF export check failed (greedy tokens differ beyond near ties): {' | '.join(bad)}")


def _quantize_all(job: ExportInput, f16: Path) -> dict[str, Path]:
    files = {"F16": f16} if "F16" in job.quantizations else {}
    for quantization in job.quantizations:
        if quantization != "F16":
            files[quantization] = quantize_gguf(f16, job.out / "gguf" / f"model.{quantization}.gguf", quantization)
    return files


def _modelfile(job: ExportInput, files: dict[str, Path]) -> dict[str, Any]:
    chosen = job.serve_quantization if job.serve_quantization in files else next(iter(files))
    template = chatml_template(getattr(job.tokenizer, "chat_template", None))
    stops = [job.tokenizer.eos_token] + (["<|im_start|>"] if template else [])
    path = write_modelfile(job.out / "gguf" / "Modelfile", files[chosen].name, template, stops)
    return {"path": path.relative_to(job.out).as_posix(), "from": chosen, "template": template, "stops": stops}
