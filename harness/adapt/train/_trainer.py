"""One LoRA training run with peft + trl's SFTTrainer: per-epoch eval and checkpoints, best by val loss.

Loss is on the assistant answer only (prompt/completion rows). Every epoch is evaluated and saved
(safetensors adapter + optimizer state), the best epoch by ``eval_loss`` is loaded at the end, and an
interrupted run resumes from its last intact checkpoint.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.adapt._quiet import quiet_libraries
from harness.adapt._types import Hyperparams, TrainingSample, TrainOutcome
from harness.adapt.train._checkpoints import resumable_checkpoint
from harness.adapt.train._device import Precision
from harness.adapt.train._history import epoch_records, final_train_loss
from harness.adapt.train._plain_loss import sft_trainer_class
from harness.adapt.train._progress import Progress, make_progress_callback
from harness.config import AdaptationConfig
from harness.errors import ConfigError

__all__ = ["check_target_modules", "linear_module_names", "train_lora"]


def linear_module_names(model: Any) -> list[str]:
    """Leaf names of the model's linear layers that LoRA can target (the output head excluded)."""
    import torch

    names = {n.split(".")[-1] for n, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    return sorted(names - {"lm_head"})


def check_target_modules(model: Any, targets: Sequence[str]) -> None:
    """Raise ConfigError when a target module is not a linear layer of this model."""
    if tuple(targets) == ("all-linear",):
        return
    available = linear_module_names(model)
    missing = [t for t in targets if t not in available]
    if missing:
        raise ConfigError(
            f"adaptation.target_modules={list(targets)}: {', '.join(missing)} not found in this model; its linear "
            f"modules are: {', '.join(available)} (or use 'all-linear')"
        )


def _lora_config(cfg: AdaptationConfig, hp: Hyperparams) -> Any:
    from peft import LoraConfig

    targets: Any = "all-linear" if tuple(cfg.target_modules) == ("all-linear",) else list(cfg.target_modules)
    alpha: Any = hp.alpha  # peft annotates int; a float (grid alpha = rank * ratio) works the same
    return LoraConfig(
        r=hp.rank, lora_alpha=alpha, lora_dropout=cfg.dropout, target_modules=targets, task_type="CAUSAL_LM"
    )


def _sft_config(cfg: AdaptationConfig, hp: Hyperparams, precision: Precision, work_dir: Path) -> Any:
    trl: Any = importlib.import_module("trl")
    return trl.SFTConfig(
        output_dir=str(work_dir),
        num_train_epochs=hp.epochs,
        learning_rate=hp.learning_rate,
        lr_scheduler_type=cfg.scheduler,
        warmup_steps=cfg.warmup_ratio,  # a float < 1 is a ratio of the total steps
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation,
        activation_checkpointing=cfg.gradient_checkpointing,
        max_length=cfg.max_seq_length,
        completion_only_loss=True,
        packing=False,
        eval_strategy="epoch",
        prediction_loss_only=True,  # evaluation needs eval_loss only; gathered logits of a whole val split are GBs
        save_strategy="epoch",
        logging_strategy="steps",
        logging_steps=1,
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        use_cpu=precision.device == "cpu",
        bf16=precision.bf16,
        fp16=precision.fp16,
        seed=cfg.seed,
        data_seed=cfg.seed,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
    )


def _dataset(samples: Sequence[TrainingSample]) -> Any:
    from datasets import Dataset

    return Dataset.from_list([s.as_row() for s in samples])


def _trainer(
    model: Any,
    tokenizer: Any,
    train: Sequence[TrainingSample],
    val: Sequence[TrainingSample],
    args: Any,
    peft: Any,
    callbacks: Sequence[Any],
) -> Any:
    from transformers.trainer_callback import PrinterCallback

    trainer = sft_trainer_class()(
        model=model,
        args=args,
        train_dataset=_dataset(train),
        eval_dataset=_dataset(val),
        processing_class=tokenizer,
        peft_config=peft,
        callbacks=list(callbacks),
    )
    trainer.remove_callback(PrinterCallback)  # our progress lines replace the raw log dicts
    return trainer


def train_lora(
    model: Any,
    tokenizer: Any,
    data: tuple[Sequence[TrainingSample], Sequence[TrainingSample]],
    cfg: AdaptationConfig,
    hp: Hyperparams,
    precision: Precision,
    work_dir: Path,
    *,
    progress: Progress,
    callbacks: Sequence[Any] = (),
) -> TrainOutcome:
    """Train a LoRA adapter on ``data=(train, val)`` in ``work_dir``; save the best one to ``work_dir/adapter``."""
    check_target_modules(model, cfg.target_modules)
    work_dir.mkdir(parents=True, exist_ok=True)
    resume = resumable_checkpoint(work_dir, progress)
    label = f"lora r={hp.rank} lr={hp.learning_rate:g} epochs={hp.epochs}"
    with quiet_libraries():
        args = _sft_config(cfg, hp, precision, work_dir)
        all_callbacks = [make_progress_callback(progress, label), *callbacks]
        trainer = _trainer(model, tokenizer, data[0], data[1], args, _lora_config(cfg, hp), all_callbacks)
        start = time.perf_counter()
        trainer.train(resume_from_checkpoint=str(resume) if resume else None)
        runtime = time.perf_counter() - start
        trainer.model.save_pretrained(str(work_dir / "adapter"))
    return _outcome(trainer.state, hp, runtime, resume, work_dir / "adapter")


def _outcome(state: Any, hp: Hyperparams, runtime: float, resume: Path | None, adapter_dir: Path) -> TrainOutcome:
    records = epoch_records(state.log_history)
    best = Path(state.best_model_checkpoint).name if state.best_model_checkpoint else None
    best_step = int(best.split("-")[-1]) if best else None
    best_epoch = next((r.epoch for r in records if r.step == best_step), None)
    return TrainOutcome(
        hyperparams=hp,
        epochs=tuple(records),
        best_checkpoint=best,
        best_epoch=best_epoch,
        best_val_loss=float(state.best_metric) if state.best_metric is not None else float("nan"),
        final_train_loss=final_train_loss(records),
        steps=int(state.global_step),
        runtime_s=round(runtime, 2),
        resumed_from=resume.name if resume else None,
        adapter_dir=adapter_dir,
    )
