"""Modelfile and Ollama registration: registered when a server takes it, a clear reason when none answers."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from harness.adapt.export import FAMILY_TEMPLATES, ModelfileSpec, write_modelfile
from harness.adapt.register import register_ollama


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_modelfile_names_the_gguf_the_template_stops_and_parameters(tmp_path: Path) -> None:
    spec = ModelfileSpec(family="chatml", template=FAMILY_TEMPLATES["chatml"][1], stops=("<|im_end|>",),
                         parameters={"temperature": 0.7, "top_k": 20})  # fmt: skip
    text = write_modelfile(tmp_path / "Modelfile", "model.Q4_1.gguf", spec).read_text()
    assert text.startswith("FROM ./model.Q4_1.gguf\n")
    assert 'TEMPLATE """' in text and "{{ .Prompt }}" in text
    assert 'PARAMETER stop "<|im_end|>"' in text
    assert "PARAMETER temperature 0.7\n" in text and "PARAMETER top_k 20\n" in text


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
    client_with_params = FakeClient()
    register_ollama("tiny-ft", gguf, "T", ["<|im_end|>"], parameters={"temperature": 0.7}, host="http://h:1",
                    client_factory=lambda _: client_with_params)  # fmt: skip
    assert client_with_params.created["parameters"] == {"stop": ["<|im_end|>"], "temperature": 0.7}
