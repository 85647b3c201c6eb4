"""A model this machine lacks fails fast with ModelUnavailable: the exact reason and the fixing command."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from harness.backends import BACKENDS, check_available, create_backend
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError, ConfigError, ModelUnavailable


def _spec(provider: str, name: str, **kw: object) -> ModelSpec:
    return ModelSpec(provider=provider, name=name, **kw)  # type: ignore[arg-type]


def test_embedded_model_is_available() -> None:
    check_available(_spec("llama_cpp", "embedded"))


def test_missing_gguf_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "adapted-Q4_K_M.gguf"
    with pytest.raises(ModelUnavailable, match=re.escape(f"name={missing} not found")) as info:
        check_available(_spec("llama_cpp", str(missing)))
    assert "hf download" in info.value.remedy


def test_missing_model_path_override_names_the_override(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=re.escape("nope.gguf not found")):
        create_backend(_spec("llama_cpp", "embedded"), GenerationConfig(), model_path=tmp_path / "nope.gguf")


def test_not_a_gguf_file_is_a_backend_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "model.gguf"
    bad.write_text("this is not a model")
    with pytest.raises(BackendError, match=re.escape(f"{bad} is not a valid GGUF")):
        create_backend(_spec("llama_cpp", str(bad)), GenerationConfig())


def test_corrupt_gguf_is_a_backend_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "truncated.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 64)
    with pytest.raises(BackendError, match=re.escape(f"could not load model file {bad}")):
        create_backend(_spec("llama_cpp", str(bad)), GenerationConfig())


def test_ollama_unreachable_is_fast_and_says_ollama_serve(closed_port: int) -> None:
    start = time.monotonic()
    with pytest.raises(
        ModelUnavailable, match=re.escape(f"not reachable at host=http://127.0.0.1:{closed_port}")
    ) as info:
        check_available(_spec("ollama", "qwen2.5:0.5b", host=f"127.0.0.1:{closed_port}"))
    assert time.monotonic() - start < 2.5
    assert "ollama serve" in info.value.remedy and "OLLAMA_HOST" in info.value.remedy


def test_ollama_host_comes_from_env(closed_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", f"http://localhost:{closed_port}")
    with pytest.raises(ModelUnavailable, match=re.escape(f"host=http://localhost:{closed_port}")):
        check_available(_spec("ollama", "qwen2.5:0.5b"))


def test_openai_missing_key_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_TEST_KEY", raising=False)
    with pytest.raises(ModelUnavailable, match=re.escape("BENCH_TEST_KEY is not set")) as info:
        check_available(_spec("openai", "gpt-4o-mini", api_key_env="BENCH_TEST_KEY"))
    assert info.value.remedy == "export BENCH_TEST_KEY=..."


def test_openai_cloud_defaults_to_openai_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ModelUnavailable, match=re.escape("OPENAI_API_KEY is not set")):
        check_available(_spec("openai", "gpt-4o-mini"))


def test_openai_unreachable_local_server(closed_port: int) -> None:
    with pytest.raises(ModelUnavailable, match=re.escape("is not reachable")) as info:
        check_available(_spec("openai", "local", host=f"http://127.0.0.1:{closed_port}/v1"))
    assert "llama_cpp.server" in info.value.remedy


def test_hf_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=re.escape(f"directory name={tmp_path / 'gone'} not found")):
        check_available(_spec("hf", str(tmp_path / "gone")))


def test_hf_directory_without_config(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=re.escape("has no config.json")) as info:
        check_available(_spec("hf", str(tmp_path)))
    assert "save_pretrained" in info.value.remedy


def test_hf_hub_id_offline_names_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(
        ModelUnavailable, match=re.escape("name=Qwen/Qwen2.5-3B-Instruct is not in the local HF cache")
    ) as info:
        check_available(_spec("hf", "Qwen/Qwen2.5-3B-Instruct"))
    assert "hf download Qwen/Qwen2.5-3B-Instruct" in info.value.remedy


def test_gpu_model_on_cpu_machine_names_the_model(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    (tmp_path / "config.json").write_text("{}")
    spec = _spec("hf", str(tmp_path), requires_gpu=True, quantization="bf16")
    with pytest.raises(ModelUnavailable, match=re.escape(f"model hf:{tmp_path}@bf16 needs a GPU")) as info:
        check_available(spec)
    assert "GPU" in info.value.remedy


def test_gpu_gguf_on_cpu_build_names_the_model() -> None:
    llama_cpp = pytest.importorskip("llama_cpp")
    if llama_cpp.llama_supports_gpu_offload():
        pytest.skip("this llama-cpp-python build offloads to a GPU")
    with pytest.raises(ModelUnavailable, match=r"llama_cpp:embedded@Q4_1 needs a GPU") as info:
        check_available(_spec("llama_cpp", "embedded", requires_gpu=True, quantization="Q4_1"))
    assert "GGML_CUDA" in info.value.remedy


@pytest.mark.parametrize("provider", ["ollama", "openai"])
def test_model_path_is_refused_by_server_backends(provider: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"not supported by provider {provider}")):
        check_available(_spec(provider, "m", host="http://127.0.0.1:9"), model_path=tmp_path)


@pytest.mark.parametrize(
    ("provider", "module", "command"),
    [("ollama", "ollama", "pip install ollama==0.6.3"), ("llama_cpp", "llama_cpp", "pip install llama-cpp-python")],
)
def test_missing_engine_package_names_the_pip_command(
    provider: str, module: str, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes the import fail as if not installed
    spec = _spec(provider, "embedded")
    with pytest.raises(ModelUnavailable, match=re.escape(f"python package {module!r} is not installed")) as info:
        check_available(spec)
    assert info.value.remedy.startswith(command)
    with pytest.raises(ModelUnavailable, match=re.escape(command)):
        BACKENDS.get(provider)(spec, GenerationConfig())
