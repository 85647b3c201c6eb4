"""Per-epoch training checkpoints: find the last usable one to resume from, never unpickling anything.

Adapter weights are read with safetensors; optimizer/scheduler/RNG states with ``torch.load(weights_only=True)``,
the same way the Trainer reads them on resume. A damaged checkpoint is moved aside and the previous
good one is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from harness.errors import CacheError

__all__ = ["check_checkpoint", "checkpoints", "resumable_checkpoint"]

_STATE_FILES = ("optimizer.pt", "scheduler.pt")


def checkpoints(work_dir: Path) -> list[Path]:
    """``checkpoint-<step>`` directories, oldest first."""
    found = [p for p in work_dir.glob("checkpoint-*") if p.is_dir() and p.name.split("-")[-1].isdigit()]
    return sorted(found, key=lambda p: int(p.name.split("-")[-1]))


def check_checkpoint(path: Path) -> None:
    """Raise CacheError naming the damaged file of checkpoint ``path``."""
    _check_json(path / "trainer_state.json")
    _check_safetensors(path / "adapter_model.safetensors")
    for name in _STATE_FILES:
        _check_torch_state(path / name)


def resumable_checkpoint(work_dir: Path, report: Callable[[str], None]) -> Path | None:
    """The newest intact checkpoint; damaged newer ones are renamed ``corrupt-checkpoint-*`` and reported."""
    for path in reversed(checkpoints(work_dir)):
        try:
            check_checkpoint(path)
        except CacheError as exc:
            aside = path.with_name(f"corrupt-{path.name}")
            path.rename(aside)
            report(f"skipping damaged {path.name} ({exc}); moved to {aside.name}")
            continue
        return path
    return None


def _check_json(path: Path) -> None:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CacheError(f"{path.name} is missing or unreadable: {exc}") from exc


def _check_safetensors(path: Path) -> None:
    from safetensors.torch import load_file

    try:
        load_file(str(path))
    except Exception as exc:  # SafetensorError, OSError: truncated, missing or garbled
        raise CacheError(f"{path.name} is missing or damaged: {exc}") from exc


def _check_torch_state(path: Path) -> None:
    import torch

    try:
        torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated zip, missing file, or a payload that is not plain weights
        raise CacheError(f"{path.name} is missing or damaged: {exc}") from exc
