"""pytest plugin: the ``--bench-*`` options (placeholder; filled in by the runner work)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bench", "model-adaptation benchmark harness")
    group.addoption("--bench-strict", action="store_true", help="turn skips for missing models into errors")
