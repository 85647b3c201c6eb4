"""Worker functions for the multi-process cache tests (spawned processes import them by name)."""

from __future__ import annotations

import os
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

from harness.cache import Cache


def build_shared_entry(root: str, builds_log: str, barrier: Barrier, out: str) -> None:
    """Wait for the sibling process, then ask for the same entry; the builder is slow so the two overlap."""

    def build(directory: Path) -> None:
        with open(builds_log, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(0.5)
        (directory / "payload.bin").write_bytes(os.urandom(1 << 16))
        (directory / "who.txt").write_text(str(os.getpid()), encoding="utf-8")

    barrier.wait(timeout=30)
    entry = Cache(Path(root)).get_or_build("stage", "k1", build)
    Path(out).write_text(str(entry), encoding="utf-8")
