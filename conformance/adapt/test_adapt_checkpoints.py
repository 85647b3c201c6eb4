"""Resuming: the newest intact checkpoint is used; a damaged one is moved aside, never unpickled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.adapt.train import check_checkpoint, resumable_checkpoint
from harness.errors import CacheError


def _checkpoint(root: Path, step: int) -> Path:
    import torch
    from safetensors.torch import save_file

    path = root / f"checkpoint-{step}"
    path.mkdir(parents=True)
    (path / "trainer_state.json").write_text(json.dumps({"global_step": step}))
    save_file({"lora_A": torch.ones(2, 2)}, str(path / "adapter_model.safetensors"))
    for name in ("optimizer.pt", "scheduler.pt"):
        torch.save({"state": {"step": torch.tensor(step)}}, path / name)
    return path


def test_the_newest_intact_checkpoint_is_chosen(tmp_path: Path) -> None:
    for step in (3, 6, 12):
        _checkpoint(tmp_path, step)
    assert resumable_checkpoint(tmp_path, print) == tmp_path / "checkpoint-12"


def test_a_truncated_checkpoint_is_skipped_for_the_previous_good_one(tmp_path: Path) -> None:
    _checkpoint(tmp_path, 3)
    newest = _checkpoint(tmp_path, 6)
    weights = newest / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:40])
    reports: list[str] = []
    assert resumable_checkpoint(tmp_path, reports.append) == tmp_path / "checkpoint-3"
    assert "checkpoint-6" in reports[0] and "adapter_model.safetensors" in reports[0]
    assert (tmp_path / "corrupt-checkpoint-6").is_dir()


def test_a_pickled_payload_is_refused_not_loaded(tmp_path: Path) -> None:
    import pickle

    path = _checkpoint(tmp_path, 3)
    (path / "optimizer.pt").write_bytes(pickle.dumps(object()))
    with pytest.raises(CacheError, match=r"optimizer\.pt"):
        check_checkpoint(path)
    assert resumable_checkpoint(tmp_path, lambda _: None) is None
