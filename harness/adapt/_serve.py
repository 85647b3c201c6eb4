"""Which files llama.cpp serves for an adapted condition: a merged export, or the base GGUF with the LoRA GGUF.

``adaptation.serve: lora`` exists because a merged model re-quantised to its base's 4-bit level can lose the
adapter: the low-rank update is small next to a 4-bit step, and rounding takes it back to the base's weights
(measured on the embedded Q4_1 base: the merged Q4_1 export answered like the base, the F16 export did not).
llama.cpp applies a LoRA GGUF at load beside the quantised weights, so the update keeps its own precision.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.adapt._base import resolve_base
from harness.adapt._types import AdaptedModel
from harness.adapt.export import gguf_quantization
from harness.config import AdaptationConfig
from harness.errors import ConfigError

__all__ = ["ServeFiles", "serve_files"]


@dataclass(frozen=True, kw_only=True)
class ServeFiles:
    """The GGUF file llama.cpp loads, and the LoRA GGUF it applies (None: a merged export, served alone)."""

    model: Path
    lora: Path | None = None

    def describe(self) -> dict[str, str | None]:
        """For the adaptation record of a result: which files answered."""
        return {"model": str(self.model), "lora": str(self.lora) if self.lora else None}


def serve_files(adapted: AdaptedModel, adaptation: AdaptationConfig, quantization: str) -> ServeFiles:
    """``serve: merged``: the export at ``quantization``. ``serve: lora``: at the base file's own level, the base
    plus the LoRA; at any other level (a quantisation gate's variant) the merged export, since only the base's own
    level exists as a base file."""
    if adaptation.serve == "merged":
        return ServeFiles(model=adapted.serve_path(quantization))
    base = _lora_base(adapted)
    if quantization != gguf_quantization(base):
        return ServeFiles(model=adapted.serve_path(quantization))
    assert adapted.lora_gguf is not None  # _lora_base checked it
    return ServeFiles(model=base, lora=adapted.lora_gguf)


def _lora_base(adapted: AdaptedModel) -> Path:
    """The base GGUF file the adapter was trained on, as the artifact records it."""
    export: dict[str, Any] = dict(adapted.metadata.get("export") or {})
    recorded: dict[str, Any] = dict(export.get("lora_gguf_base") or {})
    where = f"adaptation.serve=lora ({adapted.artifact_dir})"
    if adapted.lora_gguf is None or not recorded:
        raise ConfigError(f"{where}: the artifact has no LoRA GGUF; set adaptation.serve: merged")
    if recorded.get("kind") != "gguf":
        raise ConfigError(
            f"{where}: the base model {recorded.get('name')!r} is a Hugging Face checkpoint, not a GGUF file "
            "llama.cpp can load under the LoRA; set adaptation.base_model to a .gguf file (or embedded), or "
            "adaptation.serve: merged"
        )
    if recorded.get("merged_continual_chain"):
        raise ConfigError(
            f"{where}: the adapter continues a merged earlier adapter (adaptation.continual_from), so it does not "
            "apply to the base file alone; set adaptation.serve: merged"
        )
    # The same file the adapter was trained on: the artifact's cache key holds the base's sha256, so an artifact
    # found for this base was built on these very bytes.
    base = resolve_base(str(recorded["name"]))
    return base.model_dir / str(base.gguf_file)
