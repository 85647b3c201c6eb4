"""llama.cpp's own ``llama-server`` on loopback, serving the embedded model with parallel slots: a real server that
answers requests concurrently (continuous batching), for tests and benchmarks of the served backends.

``./run setup`` builds the binary once from the llama.cpp source vendored in the llama-cpp-python sdist (the same
version as the wheel) into ``.wheels/llama-server-<version>/`` and exports ``HARNESS_LLAMA_SERVER``. It is a helper
for tests, not part of the harness: users point ``model.host`` at whatever server they run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.backends import embedded_gguf_path

__all__ = ["ServedModel", "llama_server_binary", "serving"]

ROOT = Path(__file__).resolve().parents[1]
LLAMA_CPP_VERSION = "0.3.36"  # ./run's LLAMA_CPP_VERSION: the wheel and the server come from one source


@dataclass(frozen=True, kw_only=True)
class ServedModel:
    """A running ``llama-server``: its OpenAI-compatible base URL and its number of slots."""

    url: str
    parallel: int
    log: Path


def llama_server_binary() -> Path | None:
    """``$HARNESS_LLAMA_SERVER`` or the copy ``./run setup`` builds; None when neither exists."""
    configured = os.environ.get("HARNESS_LLAMA_SERVER")
    path = Path(configured) if configured else ROOT / ".wheels" / f"llama-server-{LLAMA_CPP_VERSION}" / "llama-server"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(log_dir: Path, *, parallel: int, ctx_per_slot: int = 2048, threads: int = 2) -> Iterator[ServedModel]:
    """Serve the embedded model with ``parallel`` slots of ``ctx_per_slot`` tokens each; skip when not built."""
    binary = llama_server_binary()
    if binary is None:
        pytest.skip("llama-server is not built: run `HARNESS_BUILD_LLAMA_SERVER=1 ./run setup` (or `./run perf`), "
                    "or set HARNESS_LLAMA_SERVER to the binary")
    port, log = _free_port(), log_dir / f"llama-server-{parallel}.log"
    command = [str(binary), "--model", str(embedded_gguf_path()), "--host", "127.0.0.1", "--port", str(port),
               "--parallel", str(parallel), "--ctx-size", str(ctx_per_slot * parallel), "--cont-batching",
               "--threads", str(threads), "--threads-http", str(max(4, parallel + 2)), "--no-webui",
               "--cache-ram", "0"]  # fmt: skip
    # --cache-ram 0: no prompt cache across requests, so an arm that repeats another's prompts does the same work
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/health", proc, log)
        yield ServedModel(url=f"http://127.0.0.1:{port}/v1", parallel=parallel, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, deadline_s: float = 120) -> None:
    """``/health`` answers 200 once the model is loaded (503 while loading)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"llama-server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"llama-server did not become healthy at {url} within {deadline_s} s:\n{log.read_text()[-2000:]}")
