"""Continual training: fold the previous artifact's adapter (and its own predecessors) into the base first.

Training a fresh adapter on the merged weights keeps what the earlier runs learned instead of
starting again from the original base.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.adapt._artifacts import read_metadata, verify_artifacts
from harness.adapt._base import BaseModel
from harness.adapt.export._merge import merge_adapter
from harness.errors import ConfigError

__all__ = ["apply_continual", "load_previous"]

MAX_CHAIN = 8


def load_previous(artifact_dir: str | None) -> dict[str, Any] | None:
    """The verified metadata of ``adaptation.continual_from`` (None when not set)."""
    if not artifact_dir:
        return None
    directory = Path(artifact_dir).expanduser().resolve()
    verify_artifacts(directory)
    metadata = read_metadata(directory)
    metadata["artifact_dir"] = str(directory)
    return metadata


def apply_continual(
    model: Any, previous: dict[str, Any], base: BaseModel, depth: int = 0
) -> tuple[Any, list[dict[str, str]]]:
    """``model`` with every adapter of the chain ending at ``previous`` merged in, oldest first."""
    if previous["base_model"]["sha256"] != base.sha256:
        raise ConfigError(
            f"adaptation.continual_from={previous['artifact_dir']!r} was trained on base "
            f"{previous['base_model']['name']!r} ({previous['base_model']['sha256'][:12]}), not on "
            f"{base.name!r} ({base.sha256[:12]}); continue from an artifact of the same base"
        )
    chain: list[dict[str, str]] = []
    earlier = (previous.get("continual_from") or {}).get("artifact_dir")
    if earlier:
        if depth >= MAX_CHAIN:
            raise ConfigError(f"adaptation.continual_from chain is longer than {MAX_CHAIN}; start from a merged base")
        model, chain = apply_continual(model, load_previous(earlier) or {}, base, depth + 1)
    model = merge_adapter(model, Path(previous["artifact_dir"]) / "adapter")
    return model, [*chain, {"artifact_dir": previous["artifact_dir"], "key": str(previous["key"])}]
