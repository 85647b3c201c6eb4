"""GGUF key/value metadata: copied from a source GGUF (tokenizer, general info), or derived from a HF config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import CacheError

__all__ = ["arch_fields", "copy_fields", "finish_writer", "write_vocab_gguf"]

# Written fresh by each export, never copied.
_SKIP = {"general.architecture", "general.file_type", "general.quantization_version", "general.type", "general.name"}


_Field = tuple[str, Any, Any, Any]  # key, value, type, array element type
_READ: dict[tuple[str, int, int], list[_Field]] = {}


def _fields(source: Path) -> list[_Field]:
    """Every key/value of ``source``, memoised per file version (reading a 49k-token vocabulary takes seconds)."""
    import gguf

    stat = source.stat()
    memo_key = (str(source), stat.st_size, stat.st_mtime_ns)
    if memo_key not in _READ:
        try:
            reader = gguf.GGUFReader(str(source))
        except (ValueError, IndexError, OSError, EOFError) as exc:
            raise CacheError(
                f"{source}: not a readable GGUF file ({type(exc).__name__}); rebuild or re-download it"
            ) from None
        _READ[memo_key] = [
            (key, f.contents(), f.types[0], f.types[-1] if f.types[0] == gguf.GGUFValueType.ARRAY else None)
            for key, f in reader.fields.items()
            if not key.startswith("GGUF.")
        ]
    return _READ[memo_key]


def copy_fields(writer: Any, source: Path, prefixes: tuple[str, ...] = ("general.", "tokenizer.")) -> None:
    """Copy the ``prefixes`` key/values of ``source`` (tokenizer vocabulary, merges, chat template...)."""
    for key, value, kind, sub in _fields(source):
        if key not in _SKIP and key.startswith(prefixes):
            writer.add_key_value(key, value, kind, sub_type=sub)


def _rope_theta(config: Any) -> float:
    params = getattr(config, "rope_parameters", None) or {}
    rope_type = params.get("rope_type", "default")
    if rope_type != "default":
        from harness.errors import ConfigError

        raise ConfigError(f"rope_type={rope_type!r} (rope scaling) is not supported by the GGUF export here")
    return float(params.get("rope_theta", getattr(config, "rope_theta", 10000.0)))


def arch_fields(writer: Any, arch: str, config: Any) -> None:
    """The architecture hyper-parameters llama.cpp reads (``<arch>.block_count`` etc.)."""
    heads = int(config.num_attention_heads)
    head_dim = int(getattr(config, "head_dim", None) or config.hidden_size // heads)
    writer.add_uint32(f"{arch}.context_length", int(config.max_position_embeddings))
    writer.add_uint32(f"{arch}.embedding_length", int(config.hidden_size))
    writer.add_uint32(f"{arch}.block_count", int(config.num_hidden_layers))
    writer.add_uint32(f"{arch}.feed_forward_length", int(config.intermediate_size))
    writer.add_uint32(f"{arch}.attention.head_count", heads)
    writer.add_uint32(f"{arch}.attention.head_count_kv", int(getattr(config, "num_key_value_heads", None) or heads))
    writer.add_float32(f"{arch}.rope.freq_base", _rope_theta(config))
    writer.add_float32(f"{arch}.attention.layer_norm_rms_epsilon", float(config.rms_norm_eps))
    writer.add_uint32(f"{arch}.rope.dimension_count", head_dim)
    writer.add_uint32(f"{arch}.vocab_size", int(config.vocab_size))
    if head_dim * heads != int(config.hidden_size):
        writer.add_uint32(f"{arch}.attention.key_length", head_dim)
        writer.add_uint32(f"{arch}.attention.value_length", head_dim)


def write_vocab_gguf(source: Path, out: Path, arch: str = "llama") -> Path:
    """A vocabulary-only GGUF (tokenizer + general metadata, no tensors), like ``convert_hf_to_gguf --vocab-only``.

    Put one in a Hugging Face base directory whose tokenizer has no GGUF yet, so exports can copy it.
    """
    import gguf

    writer = gguf.GGUFWriter(str(out), arch)
    copy_fields(writer, source)
    writer.add_type("vocab")  # not a loadable model: a tokenizer description only
    finish_writer(writer)
    return out


def finish_writer(writer: Any) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
