"""Modelfile and Ollama registration: registered when a server takes it, a clear reason when none answers."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from harness.adapt import register_ollama, write_modelfile
from harness.adapt._ollama import chatml_template

SMOL_TEMPLATE = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' }}{% endfor %}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_modelfile_names_the_gguf_the_chatml_template_and_stops(tmp_path: Path) -> None:
    path = write_modelfile(tmp_path / "Modelfile", "model.Q4_1.gguf", chatml_template(SMOL_TEMPLATE), ["<|im_end|>"])
    text = path.read_text()
    assert text.startswith("FROM ./model.Q4_1.gguf\n")
    assert 'TEMPLATE """' in text and "{{ .Prompt }}" in text
    assert 'PARAMETER stop "<|im_end|>"' in text
    assert chatml_template("{{ bos_token }}[INST]") is None


def test_no_server_is_reported_not_raised(tmp_path: Path) -> None:
    host = f"http://127.0.0.1:{_free_port()}"
    result = register_ollama("tiny-ft", tmp_path / "m.gguf", None, [], host=host)
    assert not result.registered
    assert host in result.reason and "ollama serve" in result.reason


class FakeClient:
    def __init__(self) -> None:
        self.created: dict[str, Any] = {}

    def create_blob(self, path: Path) -> str:
        return f"sha256:{path.name}"

    def create(self, **kwargs: Any) -> None:
        self.created = kwargs


def test_a_reachable_server_gets_the_gguf_as_a_blob(tmp_path: Path) -> None:
    client = FakeClient()
    gguf = tmp_path / "model.Q4_1.gguf"
    result = register_ollama("tiny-ft", gguf, "T", ["<|im_end|>"], host="http://h:1", client_factory=lambda _: client)
    assert result.registered and result.name == "tiny-ft"
    assert client.created["files"] == {"model.Q4_1.gguf": "sha256:model.Q4_1.gguf"}
    assert client.created["parameters"] == {"stop": ["<|im_end|>"]}
