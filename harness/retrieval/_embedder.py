"""Sentence embeddings on CPU: normalised float32 vectors from a local or hub sentence-transformers model."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.cache import check_safetensors
from harness.errors import ModelUnavailable
from harness.retrieval._model_files import embedded_embedding_model_dir, find_weights_file, weights_sha256

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Embedder", "load_embedder"]

_LOCAL_REMEDY = "set retrieval.embedding_model to 'embedded' or to a local sentence-transformers directory"


class Embedder:
    """A sentence-transformers model that turns texts into unit-length float32 rows.

    ``calls`` and ``texts_embedded`` count the work done, so callers (and tests) can see a cache hit.
    """

    def __init__(self, *, name: str, source: str, weights_sha256: str, model: Any = None) -> None:
        self.name = name  # as configured: "embedded", a directory or a hub id
        self.source = source  # what sentence-transformers loads: a directory or a hub id
        self.weights_sha256 = weights_sha256
        self.calls = 0
        self.texts_embedded = 0
        self._model = model

    @property
    def identity(self) -> dict[str, str]:
        """What makes two embedders interchangeable: the configured name and the weights' hash."""
        return {"name": self.name, "weights_sha256": self.weights_sha256}

    @property
    def dims(self) -> int:
        return int(self._loaded().get_embedding_dimension())

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> NDArray[np.float32]:
        """One row per text, L2-normalised (so inner product = cosine), batched ``batch_size`` at a time."""
        import numpy as np

        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        vectors = self._loaded().encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, device="cpu"
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _loaded(self) -> Any:
        # Local models load on first use: an index found in the cache never needs the model to be built.
        if self._model is None:
            self._model = _load_sentence_transformer(self.source, self.name)
        return self._model


def load_embedder(name: str) -> Embedder:
    """``embedded`` (the shipped all-MiniLM-L6-v2), an existing local directory, or a hub id.

    A hub id that cannot be fetched (no network, ``HF_HUB_OFFLINE=1``, unknown id) raises
    ``ModelUnavailable`` naming the command that would provide it.
    """
    if name == "embedded":
        return _local_embedder(name, embedded_embedding_model_dir())
    path = Path(name).expanduser()
    if path.is_dir():
        return _local_embedder(name, path.resolve())
    if name.startswith(("/", ".", "~")) or name.count("/") > 1:
        raise ModelUnavailable(f"retrieval.embedding_model={name!r} is not a directory", _LOCAL_REMEDY)
    return _hub_embedder(name)


def _local_embedder(name: str, model_dir: Path) -> Embedder:
    weights = find_weights_file(model_dir)
    if weights is None:
        reason = f"retrieval.embedding_model={name!r}: no model.safetensors in {model_dir} (pickles are refused)"
        raise ModelUnavailable(reason, _LOCAL_REMEDY)
    check_safetensors(weights)  # a truncated file fails here, clearly, not deep inside torch
    return Embedder(name=name, source=str(model_dir), weights_sha256=weights_sha256(weights))


def _hub_embedder(name: str) -> Embedder:
    # A hub model is loaded now, not lazily: its weights hash (the cache key) needs the downloaded files.
    model = _load_sentence_transformer(name, name)
    weights = _hub_weights_file(name)
    digest = weights_sha256(weights) if weights is not None else _parameters_sha256(model)
    return Embedder(name=name, source=name, weights_sha256=digest, model=model)


def _load_sentence_transformer(source: str, name: str) -> Any:
    """The model behind ``source``; a failure becomes ``ModelUnavailable`` with the fix."""
    try:
        return _cached_model(source)
    except ImportError as exc:
        raise ModelUnavailable("sentence-transformers is not installed", "pip install sentence-transformers") from exc
    except (OSError, ValueError) as exc:
        reason = f"retrieval.embedding_model={name!r} cannot be loaded: {_first_line(exc)}"
        remedy = f"hf download {name} (needs network), or {_LOCAL_REMEDY}"
        raise ModelUnavailable(reason, remedy) from exc


@functools.cache
def _cached_model(source: str) -> Any:
    """Loaded once per process: loading costs seconds, and every index and query shares the model."""
    from sentence_transformers import SentenceTransformer

    # safetensors only: a pytorch_model.bin is a pickle, and is refused rather than unpickled.
    return SentenceTransformer(source, device="cpu", model_kwargs={"use_safetensors": True})


def _hub_weights_file(repo_id: str) -> Path | None:
    """The cached weights file of a hub model that has been downloaded, if the hub cache has one."""
    from huggingface_hub import try_to_load_from_cache

    for filename in ("model.safetensors",):
        found = try_to_load_from_cache(repo_id, filename)
        if isinstance(found, str):
            return Path(found)
    return None


def _parameters_sha256(model: Any) -> str:
    """Fallback identity when no weights file can be found: a hash of every parameter's bytes."""
    digest = hashlib.sha256()
    for param_name, tensor in sorted(model.state_dict().items()):
        digest.update(param_name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
