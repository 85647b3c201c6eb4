"""Model adaptation: LoRA training data, training (with grid search), merge, GGUF export, quantisation, Ollama.

``adapt(condition, splits, cache_root)`` is the entry point the runner calls; it returns an
:class:`AdaptedModel` whose artifact directory holds the adapter, the merged model, GGUF files,
``checksums.txt`` and ``EXPERIMENT_METADATA.json``. GGUF export (llama.cpp's own converters) is
:mod:`harness.adapt.export`. Importing this package loads no ML library.
"""

from harness.adapt._artifacts import METADATA_FILE, read_metadata, record_evaluation, verify_artifacts
from harness.adapt._base import BaseModel, resolve_base
from harness.adapt._cache_key import ADAPT_STAGE, CODE_VERSION, adaptation_key
from harness.adapt._checkpoints import check_checkpoint, resumable_checkpoint
from harness.adapt._data_stage import split_samples
from harness.adapt._merge import attach_adapter, merge_adapter, save_merged
from harness.adapt._ollama import Registration, register_ollama
from harness.adapt._pipeline import adapt
from harness.adapt._policy import by_dataset_size, trial_hyperparams
from harness.adapt._samples import MIN_TRAIN_SAMPLES, MIN_VAL_SAMPLES, mix_counts
from harness.adapt._synthetic import SyntheticPair, SyntheticReport, generate_synthetic_pairs, validate_pair
from harness.adapt._timing import StageTimer
from harness.adapt._token_stats import token_stats
from harness.adapt._trainer import check_target_modules, linear_module_names, train_lora
from harness.adapt._types import (
    AdaptedModel,
    EpochRecord,
    Hyperparams,
    TokenStats,
    TrainingSample,
    TrainOutcome,
    Trial,
)
from harness.adapt.export import (
    QUANT_FTYPES,
    ExportJob,
    ParityReport,
    compare_runs,
    export_model,
    greedy_llama,
    greedy_transformers,
    quantize_gguf,
    write_modelfile,
)

__all__ = [
    "ADAPT_STAGE",
    "CODE_VERSION",
    "METADATA_FILE",
    "MIN_TRAIN_SAMPLES",
    "MIN_VAL_SAMPLES",
    "QUANT_FTYPES",
    "AdaptedModel",
    "BaseModel",
    "EpochRecord",
    "ExportJob",
    "Hyperparams",
    "ParityReport",
    "Registration",
    "StageTimer",
    "SyntheticPair",
    "SyntheticReport",
    "TokenStats",
    "TrainOutcome",
    "TrainingSample",
    "Trial",
    "adapt",
    "adaptation_key",
    "attach_adapter",
    "by_dataset_size",
    "check_checkpoint",
    "check_target_modules",
    "compare_runs",
    "export_model",
    "generate_synthetic_pairs",
    "greedy_llama",
    "greedy_transformers",
    "linear_module_names",
    "merge_adapter",
    "mix_counts",
    "quantize_gguf",
    "read_metadata",
    "record_evaluation",
    "register_ollama",
    "resolve_base",
    "resumable_checkpoint",
    "save_merged",
    "split_samples",
    "token_stats",
    "train_lora",
    "trial_hyperparams",
    "validate_pair",
    "verify_artifacts",
    "write_modelfile",
]
