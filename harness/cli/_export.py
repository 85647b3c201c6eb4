"""Export a local Hugging Face model (merged with an adapter when given) to GGUF with llama.cpp's converters."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]

_DEFAULT_QUANTS = "F16,Q8_0,Q4_K_M"
EXPORT_RECORD = "export.json"  # what was written, from what, and every check's numbers


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("model_dir", type=Path, nargs="?", metavar="MODEL_DIR", help="a Hugging Face model directory")
    p.add_argument("out_dir", type=Path, nargs="?", metavar="OUT_DIR", help="where the GGUF files are written")
    p.add_argument("--adapter", type=Path, metavar="DIR", help="a peft LoRA adapter: merged first, also exported")
    p.add_argument("--quantizations", default=_DEFAULT_QUANTS, help=f"comma-separated (default {_DEFAULT_QUANTS})")
    p.add_argument(
        "--name", help="general.name of the GGUF files (default: MODEL_DIR's name; llama.cpp reads Phi-3 from it)"
    )
    p.add_argument(
        "--converters", action="store_true", help="only locate (and extract once) llama.cpp's converters; print where"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """0 when every file is written and every parity check passes; a failed check exits 2 naming prompt and token."""
    from harness.adapt.export import find_converters

    tools = find_converters()
    if args.converters:
        print(f"llama.cpp converters (llama-cpp-python {tools.version}): {tools.root}")
        return 0
    if args.model_dir is None or args.out_dir is None:
        print("harness export: error: MODEL_DIR and OUT_DIR are required (or --converters)", file=sys.stderr)
        return 2
    record = _export(args, tools)
    _print(args.out_dir, record)
    return 0


def _quantizations(text: str) -> tuple[str, ...]:
    from harness.adapt.export import QUANT_FTYPES
    from harness.errors import ConfigError

    names = tuple(q.strip() for q in text.split(",") if q.strip())
    known = ("F16", *QUANT_FTYPES)
    bad = [q for q in names if q not in known]
    if bad or not names:
        raise ConfigError(f"--quantizations={text!r}: {bad or 'empty'} not among {', '.join(known)}")
    return names


def _export(args: argparse.Namespace, tools: Any) -> dict[str, Any]:
    from harness.adapt import StageTimer
    from harness.adapt.export import ExportJob, export_model, merge_adapter, parity_prompts, save_merged
    from harness.adapt.export._prompts import default_conversations
    from harness.cache import write_checksums

    quantizations = _quantizations(args.quantizations)
    model, tokenizer = _load(args.model_dir)
    out: Path = args.out_dir
    model_dir, base_dir = args.model_dir, None
    if args.adapter is not None:
        model = merge_adapter(model, args.adapter)
        model_dir = save_merged(model, tokenizer, out / "merged", source_dir=args.model_dir)
        base_dir = args.model_dir
        print(f"merged {args.adapter} into {args.model_dir} -> {model_dir}", file=sys.stderr)
    job = ExportJob(
        model_dir=model_dir, out=out, work=out / ".work", quantizations=quantizations,
        prompts=parity_prompts(tokenizer, default_conversations(), 96), reference=model, tokenizer=tokenizer,
        adapter_dir=args.adapter, base_dir=base_dir, serve_quantization=quantizations[-1],
        name=args.name or args.model_dir.resolve().name,
    )  # fmt: skip
    try:
        record = export_model(job, stage=StageTimer(_progress, announce=True), converters=tools, progress=_progress)
    finally:
        shutil.rmtree(out / ".work", ignore_errors=True)
    (out / EXPORT_RECORD).write_text(json.dumps({"version": 1, **record}, indent=2) + "\n", encoding="utf-8")
    write_checksums(out)
    return record


def _load(model_dir: Path) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harness.adapt._quiet import quiet_libraries
    from harness.errors import ConfigError

    if not (model_dir / "config.json").is_file():
        raise ConfigError(f"MODEL_DIR={model_dir}: no config.json; point it at a Hugging Face model directory")
    with quiet_libraries():
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32, use_safetensors=True)
    if not getattr(tokenizer, "chat_template", None):
        raise ConfigError(f"MODEL_DIR={model_dir}: the tokenizer has no chat template; export an instruct model")
    model.train(False)  # inference mode, as eval() (untyped)
    return model, tokenizer


def _progress(message: str) -> None:
    print(f"[export] {message}", file=sys.stderr, flush=True)


def _print(out: Path, record: dict[str, Any]) -> None:
    for quantization, name in record["gguf"].items():
        print(f"{quantization:7} {out / name}  ({record['sizes'][quantization] / 1e6:.1f} MB)")
    if record["lora_gguf"]:
        print(f"LoRA    {out / record['lora_gguf']}")
    print(f"Modelfile {out / record['modelfile']['path']}  (family {record['modelfile']['family']})")
    for name, check in record["checks"].items():
        ties = f", {check['near_ties']} near ties" if "near_ties" in check else ""
        print(f"check {name}: {check.get('exact', check.get('equal'))}/{check['prompts']} equal{ties}")
    print(f"record    {out / EXPORT_RECORD}")
    print(f"checksums {out / 'checksums.txt'}")
