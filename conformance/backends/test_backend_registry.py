"""The registry, the cheap import, the embedded model's location, hashing, redaction and batch error isolation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.backends import BACKENDS, GenerationRequest, Message, embedded_gguf_path, redact
from harness.backends._batch import Completion, finish_reason, generate_each
from harness.cache import sha256_file_memo
from harness.errors import ConfigError


def test_providers_are_registered_once_each() -> None:
    assert BACKENDS.names() == ["hf", "llama_cpp", "ollama", "openai", "oracle"]


def test_unknown_provider_suggests_the_close_one() -> None:
    with pytest.raises(ConfigError, match="did you mean 'llama_cpp'"):
        BACKENDS.get("llama-cpp")


def test_importing_backends_imports_no_engine() -> None:
    code = (
        "import sys, harness.backends, harness.prompting; "
        "print(sorted(m for m in ('llama_cpp', 'ollama', 'openai', 'torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_embedded_gguf_is_the_shipped_smollm2_file() -> None:
    path = embedded_gguf_path()
    assert path.is_absolute() and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.read_bytes()[:4] == b"GGUF"


def test_file_hash_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "m.bin"
    path.write_bytes(b"one")
    first = sha256_file_memo(path)
    assert sha256_file_memo(path) == first
    path.write_bytes(b"two!")
    assert sha256_file_memo(path) != first


def test_redact_masks_every_secret_and_ignores_empty_ones() -> None:
    text = "key sk-abc123 and sk-abc123456 again sk-abc123"
    assert redact(text, ["sk-abc123", "sk-abc123456", None, ""]) == "key *** and *** again ***"
    assert redact("nothing here", [None]) == "nothing here"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, "stop"), ("stop", "stop"), ("eos", "stop"), ("length", "length"), ("content_filter", "content_filter")],
)
def test_finish_reasons_are_normalised(raw: str | None, expected: str) -> None:
    assert finish_reason(raw) == expected


def _request(qid: str) -> GenerationRequest:
    return GenerationRequest(qid=qid, messages=(Message(role="user", content=qid),), max_tokens=4)


def test_one_failing_item_does_not_kill_the_batch() -> None:
    def complete(request: GenerationRequest) -> Completion:
        if request.qid == "bad":
            raise RuntimeError("engine exploded")
        return Completion(text=request.qid.upper(), prompt_tokens=3, completion_tokens=2, finish_reason="stop")

    out = generate_each([_request("a"), _request("bad"), _request("c")], complete, lambda e: f"failed: {e}")
    assert [(g.qid, g.text, g.finish_reason, g.error) for g in out] == [
        ("a", "A", "stop", None),
        ("bad", "", "error", "failed: engine exploded"),
        ("c", "C", "stop", None),
    ]
