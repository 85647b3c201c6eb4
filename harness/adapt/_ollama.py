"""Serve an exported GGUF through Ollama: a ``Modelfile`` next to it, and ``ollama create`` when a server answers.

No server is not an error: the result says ``registered: false`` and why, and the pipeline goes on.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

__all__ = ["Registration", "chatml_template", "ollama_host", "register_ollama", "server_reachable", "write_modelfile"]

DEFAULT_HOST = "http://127.0.0.1:11434"
CONNECT_TIMEOUT_S = 1.5

# Ollama's Go-template spelling of the ChatML format SmolLM2 and Qwen2.5 use.
_CHATML = (
    "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{ if .Prompt }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n{{ .Response }}<|im_end|>\n"
)


@dataclass(frozen=True, kw_only=True)
class Registration:
    registered: bool
    name: str
    host: str
    reason: str

    def summary(self) -> dict[str, object]:
        return asdict(self)


def chatml_template(chat_template: str | None) -> str | None:
    """The Ollama TEMPLATE for a HF chat template, when it is ChatML; None lets Ollama read the GGUF's own."""
    return _CHATML if chat_template and "<|im_start|>" in chat_template else None


def write_modelfile(path: Path, gguf_name: str, template: str | None, stops: Sequence[str]) -> Path:
    """``FROM ./<gguf>`` plus TEMPLATE and stop PARAMETERs, relative so the artifact directory can move."""
    lines = [f"FROM ./{gguf_name}"]
    if template is not None:
        lines.append(f'TEMPLATE """{template}"""')
    lines += [f'PARAMETER stop "{s}"' for s in stops]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ollama_host() -> str:
    configured = os.environ.get("OLLAMA_HOST", "").strip()
    if not configured:
        return DEFAULT_HOST
    return configured if "://" in configured else f"http://{configured}"


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
        params = {"stop": list(stops)} if stops else None
        client.create(model=name, files={gguf.name: digest}, template=template, parameters=params)
    except Exception as exc:  # the server's refusal is reported, not raised: serving is optional here
        return Registration(registered=False, name=name, host=host, reason=f"ollama create failed: {exc}")
    return Registration(registered=True, name=name, host=host, reason="created")


def _client(host: str) -> Any:
    import ollama

    return ollama.Client(host=host, timeout=600)
