"""Silence third-party noise we cannot fix here: deprecation warnings raised inside peft/trl/transformers
for their own internal calls, and tqdm progress bars (the pipeline prints its own concise progress)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["quiet_libraries"]

# Each entry is a warning raised by library internals, not by anything the harness passes in.
_KNOWN_NOISE = (
    r".*is_gradient_checkpointing.*deprecated.*",  # peft reads transformers' deprecated attribute
    r".*gradient_checkpointing.*deprecated.*",
    r".*torch_dtype.*deprecated.*",
    r".*`use_cache=True` is incompatible with gradient checkpointing.*",
    r".*Merge lora module to 8-bit linear may get different generations.*",
    r"Could not find a config file in .*",  # peft, saving an adapter of a GGUF-loaded base (no config.json there)
)


@contextmanager
def quiet_libraries() -> Iterator[None]:
    """Ignore the known library warnings and hide tqdm bars of transformers and datasets while inside."""
    with warnings.catch_warnings():
        for pattern in _KNOWN_NOISE:
            warnings.filterwarnings("ignore", message=pattern)
        with _no_progress_bars():
            yield


@contextmanager
def _no_progress_bars() -> Iterator[None]:
    import datasets
    from transformers.utils import logging as transformers_logging

    hf_logging: Any = transformers_logging  # untyped helpers

    hf_was, ds_was = hf_logging.is_progress_bar_enabled(), datasets.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if hf_was:
            hf_logging.enable_progress_bar()
        if ds_was:
            datasets.enable_progress_bars()
