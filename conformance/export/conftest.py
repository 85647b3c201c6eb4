"""Per-family fixtures: a random-weight model of each real architecture, a LoRA trained a few steps on it, and
``harness export`` run on both (merged, converted, checked, quantised). Built once per session."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.families import FAMILIES, build_family
from harness.adapt.export import Converters, find_converters

EXPORTED = ("qwen2", "qwen3", "llama3", "mistral", "phi3")


@dataclass(frozen=True)
class Exported:
    family: str
    base_dir: Path
    adapter_dir: Path
    out: Path
    record: dict[str, Any]
    wall_s: float


@pytest.fixture(scope="session")
def converters() -> Converters:
    return find_converters()


@pytest.fixture(scope="session")
def family_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("families")
    return {name: root / name for name in FAMILIES}


def _family_dir(name: str, dirs: dict[str, Path], converters: Converters) -> Path:
    if not (dirs[name] / "config.json").is_file():
        build_family(FAMILIES[name], converters.root / "models", dirs[name])
    return dirs[name]


def train_lora(base_dir: Path, out: Path, steps: int = 6) -> Path:
    """A LoRA on every linear layer, trained ``steps`` Adam steps on fixed random tokens (B leaves zero)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from harness.adapt._quiet import quiet_libraries

    model = AutoModelForCausalLM.from_pretrained(str(base_dir), dtype=torch.float32)
    # every linear layer but the output head: q/k/v/o and the MLP, or Phi-3's fused qkv_proj and gate_up_proj
    config = LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules="all-linear")
    with quiet_libraries():  # peft reads a deprecated transformers attribute
        peft_model = get_peft_model(model, config)
    optimizer = torch.optim.Adam([p for p in peft_model.parameters() if p.requires_grad], lr=2e-2)
    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 2000, (2, 24), generator=generator)
    for _ in range(steps):
        loss = peft_model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    with quiet_libraries():
        peft_model.save_pretrained(str(out))
    return out


@pytest.fixture(scope="session")
def exported_family(
    family_dirs: dict[str, Path], converters: Converters, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """``make(name)`` -> :class:`Exported`, each family built and exported once per session."""
    done: dict[str, Exported] = {}

    def make(name: str) -> Exported:
        if name not in done:
            from harness.cli import main

            base = _family_dir(name, family_dirs, converters)
            work = tmp_path_factory.mktemp(f"export-{name}")
            adapter = train_lora(base, work / "adapter")
            start = time.perf_counter()
            assert main(["export", str(base), str(work / "out"), "--adapter", str(adapter)]) == 0
            record = json.loads((work / "out" / "export.json").read_text())
            done[name] = Exported(name, base, adapter, work / "out", record, time.perf_counter() - start)
        return done[name]

    return make
