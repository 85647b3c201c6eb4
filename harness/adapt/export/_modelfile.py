"""An Ollama ``Modelfile`` for an exported GGUF: the family's chat template, stop tokens and sampling parameters.

Ollama templates are Go templates, not the Jinja of a Hugging Face chat template, so the family is recognised by
the markers of the GGUF's own ``tokenizer.chat_template`` and given Ollama's spelling of that format. Stop tokens
are the family's turn markers plus the GGUF's end-of-sequence and end-of-turn tokens; parameters come from the
``general.sampling.*`` keys llama.cpp's converter copies from ``generation_config.json``. So a model registered
from this file is prompted and stopped the way the converted file is in llama.cpp.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import CacheError

__all__ = [
    "FAMILY_TEMPLATES",
    "ModelfileSpec",
    "gguf_quantization",
    "modelfile_spec",
    "read_gguf_fields",
    "write_modelfile",
]

_CHATML = (
    "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{ if .Prompt }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n{{ .Response }}<|im_end|>\n"
)
_LLAMA3 = (
    "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}"
    "{{ if .Prompt }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}<|eot_id|>{{ end }}"
    "<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}<|eot_id|>"
)
_MISTRAL = "[INST] {{ if .System }}{{ .System }}\n\n{{ end }}{{ .Prompt }} [/INST]{{ .Response }}"
_GEMMA = (
    "<start_of_turn>user\n{{ if .System }}{{ .System }}\n\n{{ end }}{{ .Prompt }}<end_of_turn>\n"
    "<start_of_turn>model\n{{ .Response }}<end_of_turn>\n"
)
_PHI3 = (
    "{{ if .System }}<|system|>\n{{ .System }}<|end|>\n{{ end }}"
    "{{ if .Prompt }}<|user|>\n{{ .Prompt }}<|end|>\n{{ end }}<|assistant|>\n{{ .Response }}<|end|>\n"
)

# family -> (a marker of its Jinja chat template, Ollama template, the turn markers that must stop generation).
# Order matters: the first family whose marker the chat template holds wins.
FAMILY_TEMPLATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "chatml": ("<|im_start|>", _CHATML, ("<|im_start|>", "<|im_end|>")),
    "llama3": ("<|start_header_id|>", _LLAMA3, ("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>")),
    "gemma": ("<start_of_turn>", _GEMMA, ("<start_of_turn>", "<end_of_turn>")),
    "phi3": ("<|assistant|>", _PHI3, ("<|end|>", "<|user|>", "<|assistant|>")),
    "mistral": ("[INST]", _MISTRAL, ("[INST]", "[/INST]")),
}
# GGUF sampling key -> Ollama PARAMETER name
_SAMPLING = {
    "general.sampling.temp": "temperature",
    "general.sampling.top_k": "top_k",
    "general.sampling.top_p": "top_p",
    "general.sampling.min_p": "min_p",
    "general.sampling.penalty_repeat": "repeat_penalty",
    "general.sampling.penalty_last_n": "repeat_last_n",
}


@dataclass(frozen=True, kw_only=True)
class ModelfileSpec:
    family: str | None  # None: unknown chat format; Ollama then reads the GGUF's own template
    template: str | None
    stops: tuple[str, ...]
    parameters: Mapping[str, float | int] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {"family": self.family, "template": self.template, "stops": list(self.stops),
                "parameters": dict(self.parameters)}  # fmt: skip


def read_gguf_fields(path: Path, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Scalar and string values of ``path``'s metadata (arrays other than the token list are skipped)."""
    import gguf

    try:
        reader = gguf.GGUFReader(str(path))
    except (ValueError, IndexError, OSError, EOFError) as exc:
        raise CacheError(f"{path}: not a readable GGUF file ({type(exc).__name__}); re-export it") from None
    wanted = reader.fields if keys is None else {k: reader.fields[k] for k in keys if k in reader.fields}
    values: dict[str, Any] = {}
    for key, entry in wanted.items():
        if key.startswith("GGUF.") or (entry.types[0] == gguf.GGUFValueType.ARRAY and key != "tokenizer.ggml.tokens"):
            continue
        values[key] = entry.contents()
    return values


def gguf_quantization(path: Path) -> str:
    """The file's quantisation level as the harness names it (``Q4_1``, ``F16``), from ``general.file_type``."""
    import gguf

    number = read_gguf_fields(path, ("general.file_type",)).get("general.file_type")
    try:
        return gguf.LlamaFileType(int(number)).name.removeprefix("MOSTLY_") if number is not None else "unknown"
    except ValueError:
        return "unknown"


def modelfile_spec(gguf_path: Path) -> ModelfileSpec:
    """The family, template, stops and sampling parameters of an exported GGUF, from its own metadata."""
    fields = read_gguf_fields(gguf_path)
    chat = str(fields.get("tokenizer.chat_template") or "")
    family = next((name for name, (marker, _, _) in FAMILY_TEMPLATES.items() if marker in chat), None)
    template, turn_stops = FAMILY_TEMPLATES[family][1:] if family else (None, ())
    tokens = fields.get("tokenizer.ggml.tokens") or []
    specials = [fields.get(k) for k in ("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id")]
    stops = [*turn_stops, *(str(tokens[i]) for i in specials if isinstance(i, int) and 0 <= i < len(tokens))]
    parameters = {name: fields[key] for key, name in _SAMPLING.items() if key in fields}
    return ModelfileSpec(family=family, template=template, stops=tuple(dict.fromkeys(stops)), parameters=parameters)


def write_modelfile(path: Path, gguf_name: str, spec: ModelfileSpec) -> Path:
    """``FROM ./<gguf>`` plus TEMPLATE, stop and sampling PARAMETERs, relative so the directory can move."""
    lines = [f"FROM ./{gguf_name}"]
    if spec.template is not None:
        lines.append(f'TEMPLATE """{spec.template}"""')
    lines += [f'PARAMETER stop "{s}"' for s in spec.stops]
    lines += [f"PARAMETER {name} {_number(value)}" for name, value in spec.parameters.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() and not isinstance(value, float) else f"{float(value):g}"
