"""A place an entry lives: an fsspec filesystem and a folder in it, opened from a URL and ``key=value`` options."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.errors import ConfigError

__all__ = ["INSTALL", "Location", "open_location", "parse_storage_options"]

INSTALL = 'pip install "adapt-bench-harness[storage]"'


@dataclass(frozen=True, kw_only=True)
class Location:
    url: str  # as the user wrote it, for messages
    fs: Any  # fsspec.AbstractFileSystem
    root: str  # the folder inside ``fs``, no trailing slash

    def path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def files(self) -> list[str]:
        """Relative POSIX paths of every file under the folder ([] when it does not exist)."""
        if not self.fs.exists(self.root):
            return []
        found = self.fs.find(self.root)
        return sorted(str(p)[len(self.root) + 1 :] for p in found)


def open_location(url: str, options: Mapping[str, Any]) -> Location:
    """The location of ``url``. For ``s3://``, botocore itself reads ``$AWS_ENDPOINT_URL`` (an S3-compatible server:
    MinIO, moto, Ceph) and the usual AWS credential variables and files; ``options`` override them."""
    try:
        import fsspec
    except ImportError:
        raise ConfigError(f"{url}: remote storage needs fsspec (and s3fs for s3://): {INSTALL}") from None
    try:
        # A fresh instance per command: fsspec's cached instances (and s3fs's cached listings) could hide a file
        # changed since by someone else.
        fs, root = fsspec.core.url_to_fs(url, skip_instance_cache=True, **options)
    except ImportError as exc:
        raise ConfigError(f"{url}: {exc}; {INSTALL}") from None
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{url}: cannot open this location ({exc}); check the URL and --storage-option") from None
    return Location(url=url, fs=fs, root=str(root).rstrip("/"))


def parse_storage_options(pairs: Iterable[str]) -> dict[str, Any]:
    """``["anon=false", "endpoint_url=http://..."]`` as fsspec keyword arguments (true/false become booleans)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--storage-option {pair!r} must be KEY=VALUE, e.g. endpoint_url=http://127.0.0.1:9000")
        options[key] = {"true": True, "false": False}.get(value.lower(), value)
    return options
