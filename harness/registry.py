"""One generic registry for backends, metrics, retrievers and friends.

Targets are registered lazily as ``"module:attr"`` strings so that importing the harness never
imports torch, llama_cpp or faiss; plugins can add entries through an entry-point group.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from harness.errors import ConfigError

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Name -> factory map with lazy targets and helpful unknown-name errors."""

    def __init__(self, kind: str, entry_point_group: str | None = None) -> None:
        self.kind = kind
        self._targets: dict[str, str | Callable[..., T]] = {}
        self._group = entry_point_group
        self._plugins_loaded = False

    def register(self, name: str, target: str | Callable[..., T]) -> None:
        if name in self._targets:
            raise ConfigError(f"{self.kind} {name!r} is registered twice; register each thing once")
        self._targets[name] = target

    def names(self) -> list[str]:
        self._load_plugins()
        return sorted(self._targets)

    def __contains__(self, name: object) -> bool:
        self._load_plugins()
        return name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> Callable[..., T]:
        """The factory registered as ``name``, importing it on first use."""
        self._load_plugins()
        if name not in self._targets:
            raise ConfigError(self._unknown_message(name))
        target = self._targets[name]
        if isinstance(target, str):
            module_name, _, attr = target.partition(":")
            target = getattr(importlib.import_module(module_name), attr)
            self._targets[name] = target
        return target

    def _unknown_message(self, name: str) -> str:
        close = difflib.get_close_matches(name, self._targets, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown {self.kind} {name!r}; {hint}available: {', '.join(sorted(self._targets))}"

    def _load_plugins(self) -> None:
        if self._plugins_loaded or self._group is None:
            return
        self._plugins_loaded = True
        for ep in entry_points(group=self._group):
            if ep.name not in self._targets:
                self._targets[ep.name] = ep.value
