"""Frozen, typed experiment configs loaded from ``configs/``."""

from harness.config._convert import FieldError, from_mapping
from harness.config._loader import DEFAULTS_FILE, Matrix, load_condition, load_matrix, read_yaml
from harness.config._schema import (
    STUDY_ARMS,
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
    study_arm,
)

__all__ = [
    "DEFAULTS_FILE",
    "STUDY_ARMS",
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
    "study_arm",
]
