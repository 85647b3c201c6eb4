"""Run llama.cpp's converters: a Hugging Face model directory -> F16 GGUF, a peft adapter -> GGUF LoRA.

They run as child processes with the interpreter running the harness: the scripts put their own ``gguf-py`` first
on ``sys.path`` (so the converter and its GGUF writer are the same version as the engine), and a crash or a
converter's ``sys.exit`` cannot take the run down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness.adapt.export._converters import Converters, find_converters
from harness.errors import HarnessError

__all__ = ["ConversionError", "convert_lora", "convert_model"]


class ConversionError(HarnessError):
    """llama.cpp's converter refused or failed; the message holds its last lines."""


def convert_model(model_dir: Path, out: Path, *, name: str | None = None, converters: Converters | None = None) -> Path:
    """``model_dir`` (config.json, safetensors, tokenizer files) -> ``out`` as an F16 GGUF.

    ``name`` becomes ``general.name``. It is not cosmetic: llama.cpp gives Phi-3's chat tokens their
    whitespace-stripping only when the name holds "phi-3"/"phi3", so a merged model saved as ``merged/`` must
    carry its base's name or it tokenises unlike transformers. The default is the converter's (the directory's).
    """
    tools = converters or find_converters()
    args = [str(tools.hf_script), str(model_dir), "--outfile", str(out), "--outtype", "f16"]
    _run([*args, *(["--model-name", name] if name else [])], model_dir, out)
    return out


def convert_lora(adapter_dir: Path, base_dir: Path, out: Path, *, converters: Converters | None = None) -> Path:
    """The peft adapter in ``adapter_dir`` -> ``out`` (GGUF LoRA, F32) for the base whose config is in ``base_dir``."""
    tools = converters or find_converters()
    args = [str(tools.lora_script), str(adapter_dir), "--base", str(base_dir), "--outfile", str(out)]
    _run([*args, "--outtype", "f32"], adapter_dir, out)
    return out


def _run(args: list[str], source: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    # Offline: the converters fall back to the hub for a missing config or tokenizer; here that must fail fast.
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env.pop("NO_LOCAL_GGUF", None)  # set, it would make the scripts use the pip gguf, not their own
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0 or not out.is_file():
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        tail = "\n  ".join(lines[-6:])
        raise ConversionError(
            f"llama.cpp's {Path(args[0]).name} could not convert {source} (exit {done.returncode}):\n  {tail}"
        )
