"""One exception root for everything the harness raises on purpose.

User mistakes (bad config, bad data, a missing model) are shown without a traceback by the
CLI and the pytest plugin, so every message says ``name=value``, the reason and the fix.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "CacheError",
    "ConfigError",
    "DataError",
    "HarnessError",
    "LeakError",
    "ModelUnavailable",
    "OutOfMemory",
    "StorageError",
]


class HarnessError(Exception):
    """Root of every deliberate harness error."""


class ConfigError(HarnessError):
    """A config file is malformed or holds an impossible value."""


class DataError(HarnessError):
    """A data file has a bad row, or a data set is unusable (empty corpus, ...)."""


class LeakError(DataError):
    """A test question (or a near-duplicate of it) appears in train or val."""


class CacheError(HarnessError):
    """A cached artifact is missing, corrupt or does not match its checksum."""


class StorageError(HarnessError):
    """A folder the harness must write (the cache, the reports) cannot be written: read-only, full, not ours.
    The message names the path, the system's reason and the option that points the harness elsewhere."""

    def __init__(self, path: object, exc: OSError, fix: str) -> None:
        super().__init__(f"cannot write {path}: {exc.strerror or exc}; {fix}")


class BackendError(HarnessError):
    """An inference backend failed (server unreachable, crashed engine, ...)."""


class OutOfMemory(BackendError):
    """An engine ran out of memory (host or GPU). The message names the knobs that shrink the footprint:
    batch size, context length, quantisation. Raised for the whole batch: retrying the next question
    would only fail the same way."""


class ModelUnavailable(HarnessError):
    """A condition's model is not available on this machine.

    ``reason`` says what is missing; ``remedy`` is the command that would provide it.
    Benchmarks turn this into a skip, or an error under ``--bench-strict``.
    """

    def __init__(self, reason: str, remedy: str) -> None:
        super().__init__(f"{reason} (to provide it: {remedy})")
        self.reason = reason
        self.remedy = remedy
