"""Model adaptation, one subpackage per stage, and the pipeline that runs them in order.

- :mod:`harness.adapt.data`: training samples from the train split, synthetic QA, token statistics;
- :mod:`harness.adapt.train`: LoRA training with transformers, peft and trl, grid search, checkpoints;
- :mod:`harness.adapt.export`: merge, GGUF export and quantisation with llama.cpp's own tools, parity checks;
- :mod:`harness.adapt.register`: Ollama registration.

``adapt(condition, splits, cache_root)`` is the entry point the runner calls; it returns an
:class:`AdaptedModel` whose artifact directory holds the adapter, the merged model, GGUF files,
``checksums.txt`` and ``EXPERIMENT_METADATA.json``. The records shared by the stages live here too.
Importing this package loads no ML library.
"""

from harness.adapt._artifacts import METADATA_FILE, read_metadata, record_evaluation, verify_artifacts
from harness.adapt._base import BaseModel, resolve_base
from harness.adapt._cache_key import ADAPT_STAGE, CODE_VERSION, adaptation_key
from harness.adapt._pipeline import adapt
from harness.adapt._serve import ServeFiles, serve_files
from harness.adapt._timing import StageTimer
from harness.adapt._types import (
    AdaptedModel,
    EpochRecord,
    Hyperparams,
    TokenStats,
    TrainingSample,
    TrainOutcome,
    Trial,
)

__all__ = [
    "ADAPT_STAGE",
    "CODE_VERSION",
    "METADATA_FILE",
    "AdaptedModel",
    "BaseModel",
    "EpochRecord",
    "Hyperparams",
    "ServeFiles",
    "StageTimer",
    "TokenStats",
    "TrainOutcome",
    "TrainingSample",
    "Trial",
    "adapt",
    "adaptation_key",
    "read_metadata",
    "record_evaluation",
    "resolve_base",
    "serve_files",
    "verify_artifacts",
]
