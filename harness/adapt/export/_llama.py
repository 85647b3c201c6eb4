"""llama.cpp in process: its fd-2 chatter collected instead of printed."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["quiet_llama"]


@contextmanager
def quiet_llama() -> Iterator[list[str]]:
    """llama.cpp prints a line per tensor (and fallback-type notes) straight to fd 2; collect them instead.

    The yielded list holds those lines once the block has ended."""
    logger = logging.getLogger("llama-cpp-python")
    level, lines = logger.level, list[str]()
    logger.setLevel(logging.ERROR)
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            logger.setLevel(level)
            sink.seek(0)
            lines.extend(sink.read().decode(errors="replace").splitlines())
