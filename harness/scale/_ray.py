"""One way to reach Ray: a local instance started for this process, or an existing cluster by address."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from harness.errors import ModelUnavailable

__all__ = ["RAY_PIP", "ray_connection", "require_ray"]

RAY_PIP = 'pip install "adapt-bench-harness[scale]"  # ray[tune]==2.60.0'


def require_ray(module: str = "ray") -> ModuleType:
    """Import ``ray`` (or ``ray.tune``), or raise ModelUnavailable naming the install command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ModelUnavailable(f"python package {module!r} is not installed", RAY_PIP) from exc


@contextmanager
def ray_connection(address: str | None = None, *, num_cpus: int | None = None) -> Iterator[Any]:
    """Yield the ``ray`` module, connected.

    ``address=None`` starts a private local Ray instance (never joins a cluster by accident, even when
    ``RAY_ADDRESS`` is set) and shuts it down afterwards; an address (``ray://head:10001``, ``auto``,
    ``host:6379``) joins that cluster and disconnects afterwards. When Ray is already initialised in this
    process, that connection is used as it is and left open.
    """
    ray = require_ray()
    if ray.is_initialized():
        yield ray
        return
    options: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    if address is None:
        options |= {"address": "local", "include_dashboard": False, "num_cpus": num_cpus}
    else:
        options["address"] = address
    try:
        ray.init(**options)
    except ConnectionError as exc:
        raise ModelUnavailable(
            f"ray_address={address!r}: no Ray cluster answers there ({exc})",
            "start one (`ray start --head`) or fix the address (ray://<head>:10001, or auto on a cluster node)",
        ) from exc
    try:
        yield ray
    finally:
        ray.shutdown()
