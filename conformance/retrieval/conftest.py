"""Fixtures for the retrieval tests: the shipped embedding model, offline, and a scratch cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before huggingface_hub is imported (it reads this once): no test may reach the model hub,
# so a hub id must fail fast with ModelUnavailable instead of retrying the network for a minute.
os.environ["HF_HUB_OFFLINE"] = "1"

from harness.cache import Cache
from harness.retrieval import Embedder, load_embedder


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache(tmp_path / "cache")


@pytest.fixture
def embedder() -> Embedder:
    """A fresh embedder (its own call counters) over the process-wide loaded MiniLM model."""
    return load_embedder("embedded")
