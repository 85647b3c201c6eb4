"""llama.cpp's own converters, of the same version as the llama.cpp engine installed here.

The llama-cpp-python source distribution vendors the llama.cpp tree it compiles, converters included:
``convert_hf_to_gguf.py`` (with its ``conversion/`` package and ``gguf-py``), ``convert_lora_to_gguf.py``, and
``models/ggml-vocab-*.gguf`` (real tokenizer vocabularies). A prebuilt wheel ships none of them, so the harness
extracts them from the sdist of the *installed* version, once, into a user cache:

1. ``$HARNESS_LLAMA_CPP_DIR``: a llama.cpp checkout of your choosing (used as it is, no version check);
2. ``<cache>/llama.cpp-<version>/``, extracted earlier (``<cache>`` is ``$HARNESS_CONVERTERS_CACHE``, else
   ``$XDG_CACHE_HOME/adapt-bench-harness``, else ``~/.cache/adapt-bench-harness``);
3. ``$HARNESS_LLAMA_CPP_SDIST``: a ``llama_cpp_python-<version>.tar.gz`` already on disk (``./run`` keeps one);
4. else ``pip download --no-deps --no-binary :all: llama-cpp-python==<version>`` from the configured index.

When none works the error names the version and the command to run by hand.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from harness.errors import ModelUnavailable

__all__ = ["Converters", "converters_cache", "find_converters", "llama_cpp_version"]

_MARKER = ".harness-extracted"
# Only what conversion needs: scripts, their packages, and the vocabularies (not the .inp/.out test texts).
_WANTED = re.compile(
    r"^(convert_hf_to_gguf\.py|convert_lora_to_gguf\.py|conversion/.+|gguf-py/.+|models/ggml-vocab-[\w.-]+\.gguf)$"
)


@dataclass(frozen=True, kw_only=True)
class Converters:
    """A llama.cpp tree holding the converters; ``version`` is the llama-cpp-python release it came from."""

    root: Path
    version: str

    @property
    def hf_script(self) -> Path:
        return self.root / "convert_hf_to_gguf.py"

    @property
    def lora_script(self) -> Path:
        return self.root / "convert_lora_to_gguf.py"

    def vocab(self, name: str) -> Path:
        """``models/ggml-vocab-<name>.gguf``, e.g. ``qwen2``, ``llama-bpe``, ``llama-spm``, ``phi-3``."""
        path = self.root / "models" / f"ggml-vocab-{name}.gguf"
        if not path.is_file():
            found = sorted(p.name.removeprefix("ggml-vocab-").removesuffix(".gguf") for p in self.vocabularies())
            raise ModelUnavailable(f"no vocabulary {name!r} in {self.root / 'models'}", f"use one of {found}")
        return path

    def vocabularies(self) -> list[Path]:
        return sorted((self.root / "models").glob("ggml-vocab-*.gguf"))


def llama_cpp_version() -> str:
    try:
        return metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError:
        raise ModelUnavailable(
            "llama-cpp-python is not installed, so there is no llama.cpp version to match converters to",
            "pip install llama-cpp-python (./run setup compiles it)",
        ) from None


def converters_cache() -> Path:
    configured = os.environ.get("HARNESS_CONVERTERS_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "adapt-bench-harness"


def find_converters(*, download: bool = True) -> Converters:
    """The converters matching the installed llama-cpp-python, extracted on first use (see the module doc)."""
    local = os.environ.get("HARNESS_LLAMA_CPP_DIR")
    if local:
        return _checked(Converters(root=Path(local), version="local"), "HARNESS_LLAMA_CPP_DIR")
    version = llama_cpp_version()
    target = converters_cache() / f"llama.cpp-{version}"
    if (target / _MARKER).is_file():
        return Converters(root=target, version=version)
    sdist = os.environ.get("HARNESS_LLAMA_CPP_SDIST")
    if sdist and Path(sdist).is_file():
        return _extract(Path(sdist), target, version)
    if not download:
        raise _unavailable(version, "not extracted yet and downloading was not allowed")
    with tempfile.TemporaryDirectory(prefix="llama-cpp-sdist-") as tmp:
        return _extract(_download_sdist(version, Path(tmp)), target, version)


def _checked(found: Converters, source: str) -> Converters:
    missing = [p.name for p in (found.hf_script, found.lora_script, found.root / "gguf-py") if not p.exists()]
    if missing:
        raise ModelUnavailable(
            f"{source}={found.root} has no {', '.join(missing)}", "point it at a llama.cpp checkout (the repo root)"
        )
    return found


def _download_sdist(version: str, into: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
               f"llama-cpp-python=={version}", "-d", str(into)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = sorted(into.glob("llama_cpp_python-*.tar.gz"))
    if done.returncode != 0 or not found:
        tail = " | ".join(done.stderr.strip().splitlines()[-2:])
        raise _unavailable(version, f"pip download failed ({tail})")
    return found[0]


def _extract(sdist: Path, target: Path, version: str) -> Converters:
    """Extract the converter files of ``sdist`` next to ``target``, then rename into place (atomic for readers)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with tarfile.open(sdist) as archive:
            members = [m for m in archive.getmembers() if m.isfile() and _wanted(m.name)]
            if not members:
                raise _unavailable(version, f"{sdist} holds no vendor/llama.cpp converters")
            for member in members:
                member.name = _wanted(member.name) or member.name
            archive.extractall(staging, members=members, filter="data")
        (staging / _MARKER).write_text(f"{sdist.name}\n", encoding="utf-8")
        _checked(Converters(root=staging, version=version), str(sdist))
        try:
            staging.rename(target)
        except OSError:  # another process extracted it first; theirs is as good as ours
            if not (target / _MARKER).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Converters(root=target, version=version)


def _wanted(name: str) -> str | None:
    """The path under ``vendor/llama.cpp/`` when ``name`` is a file conversion needs, else None."""
    head, sep, rest = name.partition("/vendor/llama.cpp/")
    if not sep or "/" in head:
        return None
    return rest if _WANTED.match(rest) else None


def _unavailable(version: str, why: str) -> ModelUnavailable:
    return ModelUnavailable(
        f"llama.cpp's converters for llama-cpp-python {version} are not available: {why}",
        f"pip download --no-deps --no-binary :all: llama-cpp-python=={version} -d DIR, then set "
        f"HARNESS_LLAMA_CPP_SDIST=DIR/llama_cpp_python-{version}.tar.gz (or HARNESS_LLAMA_CPP_DIR to a llama.cpp "
        "checkout of the same version)",
    )
