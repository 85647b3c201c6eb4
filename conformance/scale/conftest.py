"""Fixtures for the scale tests: one local Ray instance shared by every Ray test (starting one costs seconds)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _one_thread_per_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """One llama.cpp thread per model instance: on a small shared machine a model on two threads stalls whenever
    the other thread is descheduled. These tests compare answers, which do not depend on the thread count."""
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def ray_local() -> Iterator[Any]:
    """A private local Ray instance (2 CPUs) for the session; the harness reuses an initialised Ray as it is."""
    ray = pytest.importorskip("ray", reason='Ray is an optional extra: pip install "adapt-bench-harness[scale]"')
    pytest.importorskip("ray.tune")
    import conformance.scale._fake_training as _fake_training
    import conformance.scale._tiny_adapt as _tiny_adapt

    pickler: Any = importlib.import_module("ray.cloudpickle")

    for helpers in (_fake_training, _tiny_adapt):  # test helpers are not importable on Ray workers: send them
        pickler.register_pickle_by_value(helpers)
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()
