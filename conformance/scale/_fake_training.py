"""A stand-in for LoRA training that Ray workers can run: instant, deterministic, leaves the files a trial leaves."""

from __future__ import annotations

from pathlib import Path

from harness.adapt import EpochRecord, Hyperparams, TrainOutcome


def fake_train(hp: Hyperparams, work_dir: Path) -> TrainOutcome:
    """Val loss falls with rank; each call leaves a ``ran-<n>`` marker so tests can count calls across processes."""
    (work_dir / "adapter").mkdir(parents=True, exist_ok=True)
    (work_dir / "adapter" / "adapter_model.safetensors").write_bytes(b"fake")
    (work_dir / f"ran-{len(list(work_dir.glob('ran-*')))}").touch()
    loss = round(1.0 / hp.rank + hp.learning_rate, 6)
    epoch = EpochRecord(
        epoch=1, step=2, train_loss=loss, val_loss=loss, train_token_accuracy=None, val_token_accuracy=None
    )
    return TrainOutcome(
        hyperparams=hp, epochs=(epoch,), best_checkpoint="checkpoint-2", best_epoch=1, best_val_loss=loss,
        final_train_loss=loss, steps=2, runtime_s=0.01, resumed_from=None, adapter_dir=work_dir / "adapter",
    )  # fmt: skip


def failing_train(hp: Hyperparams, work_dir: Path) -> TrainOutcome:
    if hp.rank == 4:
        raise RuntimeError("loss became NaN at step 3")
    return fake_train(hp, work_dir)
