"""Frozen, typed experiment configs loaded from ``configs/``."""

from harness.config._convert import FieldError, from_mapping
from harness.config._loader import DEFAULTS_FILE, Matrix, load_condition, load_matrix, read_yaml
from harness.config._schema import (
    AdaptationConfig,
    Condition,
    DataConfig,
    GateConfig,
    GenerationConfig,
    GridConfig,
    JudgeConfig,
    LeakCheckConfig,
    ModelSpec,
    RetrievalConfig,
    ScoringConfig,
    SizeGroup,
    TrainingMix,
)

__all__ = [
    "DEFAULTS_FILE",
    "AdaptationConfig",
    "Condition",
    "DataConfig",
    "FieldError",
    "GateConfig",
    "GenerationConfig",
    "GridConfig",
    "JudgeConfig",
    "LeakCheckConfig",
    "Matrix",
    "ModelSpec",
    "RetrievalConfig",
    "ScoringConfig",
    "SizeGroup",
    "TrainingMix",
    "from_mapping",
    "load_condition",
    "load_matrix",
    "read_yaml",
]
