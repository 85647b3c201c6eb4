"""``adapt()``: one condition's LoRA adaptation, built once per distinct input and reused after that.

Plan (cheap, before any model loads): locate the base, check the machine, build the samples, compute
the cache key. Build (only when the key has no verified artifact): load, train (grid), save the adapter,
merge, export GGUF files, check them, quantise, write metadata; the cache writes checksums and renames
the finished directory into place.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.adapt._artifacts import read_metadata, write_json, write_metadata
from harness.adapt._base import BaseModel, load_base, load_tokenizer, resolve_base
from harness.adapt._cache_key import ADAPT_STAGE, CODE_VERSION, adaptation_key
from harness.adapt._continual import apply_continual, load_previous
from harness.adapt._metadata import base_record, token_record, training_record, trials_record
from harness.adapt._timing import StageTimer
from harness.adapt._types import AdaptedModel, TrainingSample, TrainOutcome
from harness.adapt.data._stage import add_synthetic, kind_counts, split_samples, write_samples
from harness.adapt.data._token_stats import describe, token_stats
from harness.adapt.export import parity_prompts
from harness.adapt.export._merge import merge_adapter, save_merged
from harness.adapt.export._stage import ExportInput, export_all
from harness.adapt.register._registration import registration_for
from harness.adapt.train._device import Precision, bnb_config, resolve_precision
from harness.adapt.train._grid import TrainOne
from harness.adapt.train._policy import policy_name, trial_hyperparams
from harness.adapt.train._progress import Progress, stderr_progress
from harness.adapt.train._ray_grid import grid_runner
from harness.adapt.train._trainer import train_lora
from harness.backends import Backend
from harness.cache import Cache
from harness.config import Condition
from harness.data import Splits
from harness.errors import ConfigError, ModelUnavailable

__all__ = ["adapt"]

PARITY_PROMPTS = 3
PARITY_PROMPT_TOKENS = 96


@dataclass(frozen=True, kw_only=True)
class _Job:
    condition: Condition
    splits: Splits
    base: BaseModel
    precision: Precision
    previous: dict[str, Any] | None
    key: str
    work: Path
    train: tuple[TrainingSample, ...]
    val: tuple[TrainingSample, ...]
    report: Progress
    generator: Backend | None
    callbacks: tuple[Any, ...]


def adapt(
    condition: Condition,
    splits: Splits,
    cache_root: Path,
    *,
    progress: Progress | None = None,
    generator: Backend | None = None,
    callbacks: Sequence[Any] = (),
) -> AdaptedModel:
    """The verified artifact of ``condition`` on ``splits``: reused when its inputs are unchanged, else built.

    ``generator`` overrides the synthetic-QA model; ``callbacks`` are extra ``TrainerCallback`` objects.
    """
    job = _plan(condition, splits, Path(cache_root), progress or stderr_progress, generator, tuple(callbacks))
    built: list[bool] = []

    def build(out: Path) -> None:
        _build(out, job)
        built.append(True)

    entry = Cache(Path(cache_root)).get_or_build(ADAPT_STAGE, job.key, build, version=CODE_VERSION)
    if built:
        shutil.rmtree(job.work, ignore_errors=True)
    else:
        job.report(f"reusing verified artifact {entry}")
    return _result(entry, condition, reused=not built, report=job.report)


def _plan(
    condition: Condition,
    splits: Splits,
    root: Path,
    report: Progress,
    generator: Backend | None,
    callbacks: tuple[Any, ...],
) -> _Job:
    cfg = condition.adaptation
    if not cfg.enabled:
        raise ConfigError(f"{condition.name}: adaptation.method='none'; there is nothing to adapt")
    base = resolve_base(cfg.base_model)
    precision = _machine_check(condition, base)
    previous = load_previous(cfg.continual_from)
    train, val = split_samples(condition, splits)
    key = adaptation_key(condition, splits, base, previous, [*train, *val])
    return _Job(
        condition=condition, splits=splits, base=base, precision=precision,
        previous=previous, key=key, work=root / "adapt-work" / key, train=tuple(train), val=tuple(val),
        report=report, generator=generator, callbacks=callbacks,
    )  # fmt: skip


def _machine_check(condition: Condition, base: BaseModel) -> Precision:
    cfg = condition.adaptation
    precision = resolve_precision(cfg, base_is_gguf=base.kind == "gguf")
    if condition.model.requires_gpu and precision.device != "cuda":
        raise ModelUnavailable(
            f"{condition.name}: fine-tuning {cfg.base_model!r} needs a CUDA GPU and none is available here",
            "run on a machine with a CUDA GPU and a CUDA build of torch==2.13.0",
        )
    if cfg.qlora and cfg.continual_from:
        raise ConfigError("adaptation.qlora=true with continual_from is not supported; merge on a full-precision base")
    if not cfg.export_quantizations:
        raise ConfigError("adaptation.export_quantizations=[] must list at least one of F16, Q8_0, Q4_K_M, Q4_1")
    return precision


def _build(out: Path, job: _Job) -> None:
    timer, record = StageTimer(job.report), base_record(job.condition, job.splits, job.base, job.key)
    with timer("load_base"):
        tokenizer, base_model = _load(job, record)
    with timer("data"):
        train = _data(job, out, tokenizer, record)
    with timer("train"):
        best = _train(job, base_model, tokenizer, train, record)
    with timer("merge"):
        merged = _save_and_merge(job, out, best, base_model, tokenizer)
    record["export"] = export_all(_export_input(job, out, base_model, merged, tokenizer), timer)
    _finish_record(record, job, timer.seconds)
    record["stage_peak_rss_mb"] = timer.peak_rss_mb
    write_metadata(out, record)


def _finish_record(record: dict[str, Any], job: _Job, seconds: dict[str, float]) -> None:
    record["checks"] = record["export"].pop("checks")
    # The GGUF LoRA attaches to the base it was trained on: the base itself, or base + the continual chain merged.
    chain = [c["key"] for c in (record["continual_from"] or {}).get("chain", [])]
    record["export"]["lora_gguf_base"] = {**job.base.identity(), "merged_continual_chain": chain}
    record["stage_wall_s"] = seconds


def _load(job: _Job, record: dict[str, Any]) -> tuple[Any, Any]:
    tokenizer = load_tokenizer(job.base)
    model = load_base(job.base, job.precision.torch_dtype())
    record["precision"] = {"device": job.precision.device, "dtype": job.precision.dtype, "qlora": job.precision.qlora}
    record["continual_from"] = None
    if job.previous is not None:
        model, chain = apply_continual(model, job.previous, job.base)
        record["continual_from"] = {**chain[-1], "chain": chain}
        job.report(f"continual: merged {len(chain)} earlier adapter(s) into the base")
    return tokenizer, model


def _data(job: _Job, out: Path, tokenizer: Any, record: dict[str, Any]) -> list[TrainingSample]:
    cfg = job.condition.adaptation
    train, synthetic = _with_synthetic(job) if cfg.synthetic_pairs else (list(job.train), None)
    stats = token_stats(train, tokenizer, cfg.max_seq_length), token_stats(job.val, tokenizer, cfg.max_seq_length)
    counts = {"train": kind_counts(train), "val": kind_counts(job.val)}
    record["data"] = {"recipe": cfg.recipe, "mix": record["hyperparameters"]["mix"], "counts": counts}
    record["data"]["synthetic"] = synthetic
    record["token_stats"] = token_record(*stats)
    write_samples(out / "train_data" / "train.jsonl", train)
    write_samples(out / "train_data" / "val.jsonl", job.val)
    job.report(f"data: {len(train)} train / {len(job.val)} val samples {counts['train']}; {describe(stats[0])}")
    return train


def _with_synthetic(job: _Job) -> tuple[list[TrainingSample], dict[str, object]]:
    """Train samples plus validated synthetic pairs; a generator made here is closed here."""
    from harness.adapt.data._synthetic import default_generator

    generator = job.generator or default_generator()
    try:
        train, report = add_synthetic(job.train, job.condition, job.splits, generator)
    finally:
        if job.generator is None:
            generator.close()
    job.report(
        f"synthetic QA: {len(report.accepted)} of {report.attempts} pairs kept; rejected {dict(report.rejected)}"
    )
    return train, report.summary()


def _train(
    job: _Job, base_model: Any, tokenizer: Any, train: list[TrainingSample], record: dict[str, Any]
) -> TrainOutcome:
    cfg = job.condition.adaptation
    points = trial_hyperparams(cfg, len(train))
    # The grid's own runner: trials in this process, or on Ray Tune (adaptation.grid.backend: ray).
    trials, best = grid_runner(cfg.grid)(points, _train_one(job, base_model, tokenizer, train), job.work)
    record["policy"] = policy_name(cfg)
    record["trials"] = trials_record(trials)
    record["training"] = training_record(best)
    job.report(f"train: best {best.hyperparams} at epoch {best.best_epoch}, val loss {best.best_val_loss:.4f}")
    return best


def _train_one(job: _Job, base_model: Any, tokenizer: Any, train: list[TrainingSample]) -> TrainOne:
    cfg = job.condition.adaptation

    def run(hp: Any, work_dir: Path) -> TrainOutcome:
        model = (
            load_base(job.base, job.precision.torch_dtype(), bnb_config(job.precision))
            if job.precision.qlora
            else copy.deepcopy(base_model)
        )
        return train_lora(
            model,
            tokenizer,
            (train, job.val),
            cfg,
            hp,
            job.precision,
            work_dir,
            progress=job.report,
            callbacks=job.callbacks,
        )

    return run


def _save_and_merge(job: _Job, out: Path, best: TrainOutcome, base_model: Any, tokenizer: Any) -> Any:
    shutil.copytree(best.adapter_dir, out / "adapter")
    cfg = job.condition.adaptation
    effective_batch = cfg.batch_size * cfg.gradient_accumulation
    write_json(
        out / "training_config.json",
        {
            "adaptation": cfg,
            "chosen": best.hyperparams,
            "precision": job.precision,
            "effective_batch_size": effective_batch,
        },
    )
    merged = merge_adapter(base_model, out / "adapter")
    source = job.base.model_dir if job.base.kind == "hf_dir" else None
    save_merged(merged, tokenizer, out / "merged", "bfloat16" if job.precision.bf16 else "float16", source_dir=source)
    return merged


def _export_input(job: _Job, out: Path, base_model: Any, merged: Any, tokenizer: Any) -> ExportInput:
    # The last tokens of real prompts (ending in the assistant header): enough to compare engines, cheap to run.
    samples = job.val[:PARITY_PROMPTS]
    kwargs = dict(samples[0].template_kwargs) if samples else {}
    prompts = parity_prompts(tokenizer, [s.prompt for s in samples], PARITY_PROMPT_TOKENS, kwargs)
    # A Hugging Face base unchanged by a continual chain converts as it is; anything else is saved first.
    base_dir = job.base.model_dir if job.base.kind == "hf_dir" and job.previous is None else None
    return ExportInput(
        out=out, work=job.work, base_model=base_model, base_dir=base_dir, merged=merged, tokenizer=tokenizer,
        source_dir=job.base.model_dir if job.base.kind == "hf_dir" else None,
        quantizations=job.condition.adaptation.export_quantizations,
        serve_quantization=job.condition.model.quantization, prompts=prompts,
        dtype="bfloat16" if job.precision.bf16 else "float16", name=_gguf_name(job),
    )  # fmt: skip


def _gguf_name(job: _Job) -> str:
    """The base model's own name first (llama.cpp reads Phi-3 from it), then the condition."""
    if job.base.kind == "gguf":
        base = Path(job.base.gguf_file or job.base.name).stem.split(".")[0]
    else:
        base = Path(job.base.name.rstrip("/")).name
    return f"{base}-{job.condition.name}"


def _result(entry: Path, condition: Condition, *, reused: bool, report: Progress) -> AdaptedModel:
    metadata = read_metadata(entry)
    export = metadata["export"]
    registration = registration_for(condition, entry, export, report)
    return AdaptedModel(
        artifact_dir=entry,
        gguf={q: entry / rel for q, rel in export["gguf"].items()},
        metadata={**metadata, "ollama": registration},
        reused=reused,
        lora_gguf=entry / export["lora_gguf"],
        registration=registration,
    )
