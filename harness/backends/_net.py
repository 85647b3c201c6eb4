"""Fast reachability probes for availability checks (a short timeout, never a hang)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

__all__ = ["PROBE_TIMEOUT_S", "normalize_url", "tcp_error"]

PROBE_TIMEOUT_S = 1.5


def normalize_url(url: str, default_port: int | None = None) -> str:
    """``host[:port]`` or a full URL -> ``scheme://host:port[/path]`` (http when no scheme)."""
    if "://" not in url:
        url = f"http://{url}"
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    host = "127.0.0.1" if host == "0.0.0.0" else host
    host = f"[{host}]" if ":" in host else host
    port = parts.port or default_port
    netloc = f"{host}:{port}" if port else host
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def tcp_error(url: str, timeout_s: float = PROBE_TIMEOUT_S) -> str | None:
    """Why a TCP connection to ``url``'s host and port fails, or None when it succeeds."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=timeout_s):
            return None
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
