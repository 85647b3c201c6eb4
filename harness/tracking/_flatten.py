"""Nested config blocks as MLflow params: dotted keys, string values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["flatten"]

# MLflow refuses a param value longer than this (mlflow.utils.validation.MAX_PARAM_VAL_LENGTH, 6000 in 3.x); a
# long description is cut rather than failing the whole run's tracking.
MAX_VALUE = 6000


def flatten(block: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"model": {"name": "x"}} -> {"model.name": "x"}``; lists and None are written as JSON."""
    out: dict[str, str] = {}
    for key, value in block.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out |= flatten(value, f"{name}.")
        else:
            out[name] = _text(value)[:MAX_VALUE]
    return out


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)
