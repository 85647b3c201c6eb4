"""Stage 2 of adaptation: LoRA training (transformers, peft, trl), its grid search and checkpoints.

``train_lora`` trains one adapter; the policy turns the config into grid points, run in process or on
Ray. Importing this package loads no ML library.
"""

from harness.adapt.train._checkpoints import check_checkpoint, resumable_checkpoint
from harness.adapt.train._policy import by_dataset_size, trial_hyperparams
from harness.adapt.train._trainer import check_target_modules, linear_module_names, train_lora

__all__ = [
    "by_dataset_size",
    "check_checkpoint",
    "check_target_modules",
    "linear_module_names",
    "resumable_checkpoint",
    "train_lora",
    "trial_hyperparams",
]
