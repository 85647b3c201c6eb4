"""Fuzz the model-file loaders: GGUF (truncated, wrong magic, flipped header bytes) through llama.cpp and
``gguf.GGUFReader``; safetensors (truncated, garbled header) through our header check, the transformers
backend, the embedder and the adaptation checkpoint check.

Each damaged file gives a HarnessError naming it (or, for flips that leave a loadable file, a model that
loads); none crashes the process with something else.
"""

from __future__ import annotations

import contextlib
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from safetensors.numpy import load_file, save_file

from conformance.reliability.fuzz_budget import fuzz, tried
from harness.backends import embedded_gguf_path
from harness.backends._hf import HFBackend
from harness.backends._llama_cpp import LlamaCppBackend
from harness.cache import check_safetensors
from harness.config import GenerationConfig, ModelSpec
from harness.errors import BackendError, CacheError, HarnessError
from harness.retrieval._embedder import load_embedder

HEADER_REGION = 64 * 1024  # GGUF key/values (tokenizer included) start here; flips beyond hit tensor data
GGUF_READER_PREFIX = 8_000_000  # GGUFReader cases cut within the key/values and tensor table: cheaper, same paths


@pytest.fixture(scope="module")
def gguf_bytes() -> bytes:
    return embedded_gguf_path().read_bytes()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz_weights")


@st.composite
def damaged_gguf(draw: st.DrawFn, size: int) -> tuple[str, int, bytes]:
    """(how, where, bytes): a cut-off length, four wrong magic bytes, or a few flipped header bytes."""
    how = draw(st.sampled_from(["truncate", "magic", "flip"]))
    if how == "truncate":
        return how, draw(st.integers(0, size - 1)), b""
    if how == "magic":
        return how, 0, draw(st.binary(min_size=4, max_size=4).filter(lambda m: m != b"GGUF"))
    return how, draw(st.integers(4, HEADER_REGION)), draw(st.binary(min_size=1, max_size=8))


def _apply(source: bytes, how: str, where: int, patch: bytes) -> bytes:
    if how == "truncate":
        return source[:where]
    return source[:where] + patch + source[where + len(patch) :]


@fuzz("gguf: llama.cpp load")
@given(data=st.data())
def test_damaged_gguf_fails_to_load_with_a_backend_error(scratch: Path, gguf_bytes: bytes, data: st.DataObject) -> None:
    tried("gguf: llama.cpp load")
    how, where, patch = data.draw(damaged_gguf(len(gguf_bytes)))
    path = scratch / "model.gguf"
    path.write_bytes(_apply(gguf_bytes, how, where, patch))
    try:
        backend = LlamaCppBackend(ModelSpec(provider="llama_cpp", name=str(path)), GenerationConfig(), path)
    except BackendError as exc:
        assert str(path) in str(exc)
        return
    assert how == "flip", "a truncated file or a wrong magic must never load"
    backend.close()


@fuzz("gguf: GGUFReader (adapt)", shrink=False)
@given(data=st.data())
def test_damaged_gguf_metadata_read_never_crashes_or_hangs(
    scratch: Path, gguf_bytes: bytes, data: st.DataObject
) -> None:
    """Through ``read_gguf_fields`` (export's Modelfile), the harness's one use of ``gguf.GGUFReader``: every case
    is a cut-off prefix, so every read must fail, and only with a HarnessError naming the file."""
    from harness.adapt.export import read_gguf_fields

    tried("gguf: GGUFReader (adapt)")
    how, where, patch = data.draw(damaged_gguf(GGUF_READER_PREFIX))
    path = scratch / "vocab_source.gguf"
    path.write_bytes(_apply(gguf_bytes[:GGUF_READER_PREFIX], how, where, patch))  # a prefix: every case is damaged
    with pytest.raises(HarnessError, match=str(path)):  # anything else escaping fails the test, shrunk to its case
        read_gguf_fields(path)


@pytest.mark.parametrize(
    ("how", "where", "patch"),
    [
        ("truncate", 0, b""),
        ("truncate", 4, b""),
        ("truncate", 1000, b""),
        ("truncate", 5_000_000, b""),
        ("magic", 0, b"GGUG"),
    ],
)
def test_damaged_gguf_metadata_read_gives_a_harness_error(
    scratch: Path, gguf_bytes: bytes, how: str, where: int, patch: bytes
) -> None:
    from harness.adapt.export import read_gguf_fields

    path = scratch / "vocab_contract.gguf"
    path.write_bytes(_apply(gguf_bytes, how, where, patch))
    with pytest.raises(HarnessError):
        read_gguf_fields(path)


# --- safetensors ----------------------------------------------------------------------------------------------


def _valid_safetensors(path: Path, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    tensors = {
        "model.embed.weight": rng.standard_normal((3, 4)).astype(np.float32),
        "model.norm.weight": rng.standard_normal(4).astype(np.float16),
        "lm_head.bias": np.arange(5, dtype=np.int64),
    }
    save_file(tensors, str(path))
    return path.read_bytes()


@st.composite
def damaged_safetensors(draw: st.DrawFn, source: bytes) -> bytes:
    (length,) = struct.unpack("<Q", source[:8])
    how = draw(st.sampled_from(["truncate", "flip_header", "length", "garbage", "offsets"]))
    if how == "truncate":
        return source[: draw(st.integers(0, len(source) - 1))]
    if how == "flip_header":
        at = draw(st.integers(8, 8 + length - 1))
        return source[:at] + bytes([source[at] ^ draw(st.integers(1, 255))]) + source[at + 1 :]
    if how == "length":
        return struct.pack("<Q", draw(st.integers(0, 2**64 - 1).filter(lambda n: n != length))) + source[8:]
    if how == "garbage":
        return draw(st.binary(max_size=200))
    header = json.loads(source[8 : 8 + length])
    name = draw(st.sampled_from(sorted(k for k in header if k != "__metadata__")))
    header[name]["data_offsets"] = draw(st.lists(st.integers(-5, 200), min_size=0, max_size=3))
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + source[8 + length :]


@fuzz("safetensors: header check")
@given(data=st.data(), seed=st.integers(0, 3))
def test_the_header_check_agrees_with_the_safetensors_library(scratch: Path, data: st.DataObject, seed: int) -> None:
    tried("safetensors: header check")
    path = scratch / "weights.safetensors"
    damaged = data.draw(damaged_safetensors(_valid_safetensors(path, seed)))
    path.write_bytes(damaged)
    try:
        check_safetensors(path)
    except BackendError as exc:
        assert f"weights file {path} is not a valid safetensors file" in str(exc)
        return
    load_file(str(path))  # whatever the check lets through, the real library must be able to read


def test_an_intact_file_passes_the_header_check(scratch: Path) -> None:
    path = scratch / "intact.safetensors"
    _valid_safetensors(path, 0)
    check_safetensors(path)


def _model_dir(root: Path, weights: bytes) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.json").write_text('{"model_type": "llama"}', encoding="utf-8")
    (root / "model.safetensors").write_bytes(weights)
    return root


def test_transformers_refuses_a_truncated_safetensors_by_name(scratch: Path) -> None:
    intact = _valid_safetensors(scratch / "src.safetensors", 1)
    directory = _model_dir(scratch / "hf_model", intact[: len(intact) // 2])
    with pytest.raises(BackendError, match=r"model\.safetensors is not a valid safetensors file .*truncated\?"):
        HFBackend(ModelSpec(provider="hf", name=str(directory)), directory)


def test_the_embedder_refuses_a_truncated_safetensors_by_name(scratch: Path) -> None:
    intact = _valid_safetensors(scratch / "src.safetensors", 2)
    directory = _model_dir(scratch / "embedder", intact[:20])
    with pytest.raises(BackendError, match=r"model\.safetensors is not a valid safetensors file"):
        load_embedder(str(directory))


def test_the_embedder_refuses_pickled_weights(scratch: Path) -> None:
    directory = scratch / "pickled_embedder"
    directory.mkdir()
    (directory / "pytorch_model.bin").write_bytes(b"\x80\x04K\x01.")  # a pickle: never unpickled
    with pytest.raises(HarnessError, match=r"pickles are refused"):
        load_embedder(str(directory))


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A training checkpoint as the trainer writes it: JSON state, safetensors adapter, torch state dicts."""
    torch = pytest.importorskip("torch")
    directory = tmp_path_factory.mktemp("checkpoint") / "checkpoint-4"
    directory.mkdir()
    (directory / "trainer_state.json").write_text('{"global_step": 4}', encoding="utf-8")
    _valid_safetensors(directory / "adapter_model.safetensors", 3)
    torch.save({"state": {0: {"exp_avg": torch.zeros(3)}}, "param_groups": [{"lr": 1e-4}]}, directory / "optimizer.pt")
    torch.save({"last_epoch": 1, "_step_count": 2}, directory / "scheduler.pt")
    return directory


@fuzz("safetensors: checkpoint check (adapt)")
@given(data=st.data())
def test_a_damaged_checkpoint_adapter_is_a_cache_error(checkpoint: Path, data: st.DataObject) -> None:
    from harness.adapt.train import check_checkpoint

    tried("safetensors: checkpoint check (adapt)")
    adapter = checkpoint / "adapter_model.safetensors"
    intact = _valid_safetensors(adapter, 3)
    adapter.write_bytes(data.draw(damaged_safetensors(intact)))
    try:
        load_file(str(adapter))  # the oracle: safetensors' own loader
        loadable = True
    except Exception:
        loadable = False
    try:
        if loadable:
            with contextlib.suppress(CacheError):  # one safetensors still loads may pass, or be refused; nothing else
                check_checkpoint(checkpoint)
        else:  # one it cannot load must be refused, by name
            with pytest.raises(CacheError, match=r"adapter_model\.safetensors is missing or damaged"):
                check_checkpoint(checkpoint)
    finally:
        adapter.write_bytes(intact)


def test_a_checkpoint_state_that_is_not_plain_weights_is_refused_not_unpickled(checkpoint: Path) -> None:
    import torch

    from harness.adapt.train import check_checkpoint

    state = checkpoint / "scheduler.pt"
    intact = state.read_bytes()
    torch.save({"hook": _Planted()}, state)  # an arbitrary object: loading it would run its __reduce__
    try:
        with pytest.raises(CacheError, match=r"scheduler\.pt is missing or damaged"):
            check_checkpoint(checkpoint)
    finally:
        state.write_bytes(intact)
    assert not _Planted.ran


class _Planted:
    ran = False

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_Planted._run, ())

    @staticmethod
    def _run() -> None:
        _Planted.ran = True
