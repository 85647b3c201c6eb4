"""Serve an exported GGUF through Ollama: ``ollama create`` when a server answers (the Modelfile is export's).

No server is not an error: the result says ``registered: false`` and why, and the pipeline goes on.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from harness.backends import ollama_host

__all__ = ["Registration", "register_ollama", "server_reachable"]

CONNECT_TIMEOUT_S = 1.5


@dataclass(frozen=True, kw_only=True)
class Registration:
    registered: bool
    name: str
    host: str
    reason: str

    def summary(self) -> dict[str, object]:
        return asdict(self)


def server_reachable(host: str, timeout: float = CONNECT_TIMEOUT_S) -> bool:
    url = urlparse(host)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 11434), timeout=timeout):
            return True
    except OSError:
        return False


def register_ollama(
    name: str,
    gguf: Path,
    template: str | None,
    stops: Sequence[str],
    *,
    parameters: Mapping[str, float | int] | None = None,
    host: str | None = None,
    client_factory: Callable[[str], Any] | None = None,
) -> Registration:
    """``ollama create <name>`` from ``gguf``; a missing or failing server gives ``registered=False`` + reason."""
    host = host or ollama_host()
    if client_factory is None and not server_reachable(host):
        reason = f"no Ollama server answers at {host} (start one with `ollama serve`, or set OLLAMA_HOST)"
        return Registration(registered=False, name=name, host=host, reason=reason)
    try:
        client = (client_factory or _client)(host)
        digest = client.create_blob(gguf)
        params = {**({"stop": list(stops)} if stops else {}), **(parameters or {})} or None
        client.create(model=name, files={gguf.name: digest}, template=template, parameters=params)
    except Exception as exc:  # the server's refusal is reported, not raised: serving is optional here
        return Registration(registered=False, name=name, host=host, reason=f"ollama create failed: {exc}")
    return Registration(registered=True, name=name, host=host, reason="created")


def _client(host: str) -> Any:
    import ollama

    return ollama.Client(host=host, timeout=600)
