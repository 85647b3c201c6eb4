"""The base model to adapt: where it is, what it is (a content hash), and how to load it.

``embedded`` is the shipped SmolLM2 GGUF, dequantised by transformers; a ``.gguf`` path works the
same way; a directory is a Hugging Face checkpoint; anything else is a hub id looked up in the
local cache only (the hub may be unreachable).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.adapt._quiet import quiet_libraries
from harness.cache import sha256_file_memo
from harness.errors import ConfigError, ModelUnavailable

__all__ = ["BaseModel", "load_base", "load_tokenizer", "resolve_base"]

_WEIGHT_SUFFIXES = (".safetensors", ".bin")
_IDENTITY_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "chat_template.jinja")


@dataclass(frozen=True, kw_only=True)
class BaseModel:
    """A located base model: a GGUF file (read by transformers) or a Hugging Face directory."""

    name: str
    kind: Literal["gguf", "hf_dir"]
    model_dir: Path
    gguf_file: str | None
    sha256: str

    def identity(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "sha256": self.sha256}


def resolve_base(name: str) -> BaseModel:
    """Locate ``adaptation.base_model``; raise ModelUnavailable (reason + remedy) when it is not here."""
    if name == "embedded":
        from harness.backends import embedded_gguf_path

        return _from_gguf(name, embedded_gguf_path())
    path = Path(name).expanduser()
    if path.suffix == ".gguf":
        if not path.is_file():
            raise ModelUnavailable(f"base model GGUF file {path} not found", f"put the file at {path}")
        return _from_gguf(name, path.resolve())
    if path.is_dir():
        return _from_dir(name, path.resolve())
    return _from_dir(name, _hub_snapshot(name))


def _from_gguf(name: str, path: Path) -> BaseModel:
    return BaseModel(name=name, kind="gguf", model_dir=path.parent, gguf_file=path.name, sha256=sha256_file_memo(path))


def _from_dir(name: str, directory: Path) -> BaseModel:
    if not (directory / "config.json").is_file():
        raise ConfigError(
            f"adaptation.base_model={name!r}: {directory} has no config.json; point it at a HF checkpoint"
        )
    return BaseModel(
        name=name,
        kind="hf_dir",
        model_dir=directory,
        gguf_file=None,
        sha256=_hash_dir(directory),
    )


def _hub_snapshot(name: str) -> Path:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # any failure means "not in the local cache"
        raise ModelUnavailable(
            f"base model {name!r} is not a local directory or GGUF file, and not in the local Hugging Face cache "
            "(the hub is not reachable from here)",
            f"huggingface-cli download {name}  (or set adaptation.base_model to a local directory)",
        ) from None


def _hash_dir(directory: Path) -> str:
    names = sorted(p.name for p in directory.iterdir() if p.suffix in _WEIGHT_SUFFIXES or p.name in _IDENTITY_FILES)
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}:{sha256_file_memo(directory / name)}\n".encode())
    return digest.hexdigest()


def load_tokenizer(base: BaseModel) -> Any:
    """The base's tokenizer (from the GGUF metadata for GGUF bases), with a pad token."""
    from transformers import AutoTokenizer

    kwargs = {"gguf_file": base.gguf_file} if base.gguf_file else {}
    with quiet_libraries():
        tokenizer = AutoTokenizer.from_pretrained(str(base.model_dir), **kwargs)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not getattr(tokenizer, "chat_template", None):
        raise ConfigError(f"adaptation.base_model={base.name!r} has no chat template; use an instruct model")
    return tokenizer


def load_base(base: BaseModel, dtype: Any, quantization_config: Any = None) -> Any:
    """The base as a trainable transformers model (a GGUF base is dequantised, then unmarked as quantised)."""
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": dtype}
    if quantization_config is not None:
        kwargs["quantization_config"] = quantization_config
    with quiet_libraries():
        if base.gguf_file:
            model = AutoModelForCausalLM.from_pretrained(str(base.model_dir), gguf_file=base.gguf_file, **kwargs)
        else:  # never a pickled pytorch_model.bin
            model = AutoModelForCausalLM.from_pretrained(str(base.model_dir), use_safetensors=True, **kwargs)
    quantizer = getattr(model, "hf_quantizer", None)
    if base.gguf_file and quantizer is not None:
        quantizer.remove_quantization_config(model)  # else trl refuses to train a "quantised" model
    return model
