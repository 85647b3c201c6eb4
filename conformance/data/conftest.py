"""Shared fixtures for the data tests: the shipped fixture and, where present, its SQuAD source."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.data import Dataset, load_dataset

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The source file lives beside the project (in /work/shared/data); the project must run without it.
SQUAD_SOURCE = PROJECT_ROOT / ".." / "shared" / "data" / "squad2-dev" / "dev-v2.0.json"


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    return PROJECT_ROOT / "fixtures" / "squad2_tiny"


@pytest.fixture(scope="session")
def fixture_dataset(fixture_dir: Path) -> Dataset:
    return load_dataset(fixture_dir)


@pytest.fixture(scope="session")
def squad_source() -> Path:
    if not SQUAD_SOURCE.is_file():
        pytest.skip(f"the SQuAD 2.0 source is absent ({SQUAD_SOURCE}); the shipped fixture is used as is")
    return SQUAD_SOURCE
