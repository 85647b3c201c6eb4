"""Merge a LoRA adapter into its base, and save the merged model together with its tokenizer.

``save_pretrained`` of a model writes weights only; the tokenizer files are saved next to them so the
merged directory loads (and converts) on its own.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

from harness.adapt._quiet import quiet_libraries
from harness.errors import CacheError

__all__ = ["attach_adapter", "merge_adapter", "save_merged"]


def attach_adapter(base_model: Any, adapter_dir: Path) -> Any:
    """``base_model`` (a copy) with the adapter attached, unmerged: the reference for merge checks."""
    from peft import LoraConfig, PeftModel, set_peft_model_state_dict
    from safetensors.torch import load_file

    weights = adapter_dir / "adapter_model.safetensors"
    if not weights.is_file():
        # Only safetensors: peft would otherwise fall back to a pickled adapter_model.bin.
        raise CacheError(f"{adapter_dir}: adapter_model.safetensors is missing; retrain the adapter")
    config = LoraConfig(**LoraConfig.from_json_file(str(adapter_dir / "adapter_config.json")))
    with quiet_libraries():
        model = PeftModel(copy.deepcopy(base_model), config)
        set_peft_model_state_dict(model, load_file(str(weights)))
    return model.eval()


def merge_adapter(base_model: Any, adapter_dir: Path) -> Any:
    """A copy of ``base_model`` with the adapter's weights folded in (``merge_and_unload``)."""
    with quiet_libraries():
        merged = attach_adapter(base_model, adapter_dir).merge_and_unload()
    merged.eval()
    return merged


# Tokenizer files ``save_pretrained`` of a transformers 5 tokenizer does not write. Without the SentencePiece model
# llama.cpp's converter rebuilds the vocabulary from tokenizer.json alone, and its scores come out different (a
# Mistral export then splits words unlike transformers; Phi-3's converter refuses outright).
_SOURCE_ONLY = ("tokenizer.model", "tekken.json")


def save_merged(
    model: Any, tokenizer: Any, out_dir: Path, dtype: str = "float16", *, source_dir: Path | None = None
) -> Path:
    """Save the merged weights in ``dtype`` (safetensors) plus every tokenizer file, including those only the
    base's own directory ``source_dir`` has (the SentencePiece model)."""
    import torch

    out_dir.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(model).to(getattr(torch, dtype))
    with quiet_libraries():
        half.save_pretrained(str(out_dir))
        tokenizer.save_pretrained(str(out_dir))
    for name in _SOURCE_ONLY:
        if source_dir is not None and (source_dir / name).is_file() and not (out_dir / name).exists():
            shutil.copy2(source_dir / name, out_dir / name)
    return out_dir
