"""The pipeline's export stage: hand the merged model, the adapter and the base to :mod:`harness.adapt.export`.

The converters read Hugging Face directories, so the base the adapter attaches to (the embedded GGUF
dequantised, or a base with a continual chain merged in) is saved to scratch space first; a plain Hugging Face
base directory is used as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.adapt._timing import StageTimer
from harness.adapt.export._export import ExportJob, ParityPrompt, export_model
from harness.adapt.export._merge import save_merged

__all__ = ["ExportInput", "export_all"]


@dataclass(frozen=True, kw_only=True)
class ExportInput:
    out: Path  # the artifact directory being built
    work: Path  # scratch space outside the artifact
    base_model: Any  # the (continual-merged) base the adapter was trained on
    base_dir: Path | None  # its Hugging Face directory when it is one unchanged, else None (saved to work)
    source_dir: Path | None  # the base's own Hugging Face directory, if any (tokenizer files save_pretrained skips)
    merged: Any
    tokenizer: Any
    quantizations: tuple[str, ...]
    serve_quantization: str
    prompts: Sequence[ParityPrompt]
    name: str  # general.name of the GGUF files
    dtype: str = "float16"


def export_all(job: ExportInput, timer: StageTimer) -> dict[str, Any]:
    """Write every export of ``job`` into ``<out>/gguf`` and return the metadata record (paths artifact-relative)."""
    base_dir = job.base_dir
    if base_dir is None:
        with timer("save_base"):
            base_dir = save_merged(
                job.base_model, job.tokenizer, job.work / "base-hf", job.dtype, source_dir=job.source_dir
            )
    export = ExportJob(
        model_dir=job.out / "merged", out=job.out / "gguf", work=job.work / "export", quantizations=job.quantizations,
        prompts=tuple(job.prompts), reference=job.merged, tokenizer=job.tokenizer, adapter_dir=job.out / "adapter",
        base_dir=base_dir, serve_quantization=job.serve_quantization, keep_f16="F16" in job.quantizations,
        name=job.name,
    )  # fmt: skip
    record = export_model(export, stage=timer, progress=timer.report)
    record["gguf"] = {q: f"gguf/{name}" for q, name in record["gguf"].items()}
    record["lora_gguf"] = f"gguf/{record['lora_gguf']}"
    record["modelfile"]["path"] = f"gguf/{record['modelfile']['path']}"
    return record
