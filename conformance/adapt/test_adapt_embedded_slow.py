"""The real embedded path: SmolLM2-135M dequantised from the shipped Q4_1 GGUF, one LoRA step, merge, F16 export,
and both parity checks (transformers vs GGUF, merged vs base + GGUF LoRA). About a minute or two on 2 CPU cores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.adapt import adapt
from harness.config import Condition
from harness.data import Splits


@pytest.mark.slow
def test_embedded_smollm2_trains_merges_exports_and_round_trips(
    make_condition: Callable[..., Condition], toy_splits: Splits, tmp_path: Path
) -> None:
    condition = make_condition(
        base_model="embedded", rank=4, alpha=8, learning_rate=1e-4, epochs=1, batch_size=8, max_train_samples=8,
        max_seq_length=384, export_quantizations=("F16",),
    )  # fmt: skip
    result = adapt(condition, toy_splits, tmp_path, progress=lambda _: None)
    meta = result.metadata
    assert meta["base_model"]["name"] == "embedded" and meta["training"]["steps"] == 1
    assert meta["token_stats"]["train"]["truncated"] == 0
    assert all(check["ok"] for check in meta["checks"].values()), meta["checks"]
    assert meta["checks"]["transformers_vs_f16_gguf"]["max_logit_diff"] < 0.5
    assert (result.artifact_dir / "merged" / "tokenizer.json").is_file()
    assert result.gguf["F16"].stat().st_size > 200_000_000
