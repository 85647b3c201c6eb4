"""Debian's headless chromium for the report page's tests: the rendered DOM (``--dump-dom``) and screenshots, with
every host name resolving nowhere, so a page that tried to load anything from the network could not."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
MISSING = f"{CHROMIUM} is not installed (apt-get install -y chromium; ./run setup installs it)"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND")  # fmt: skip


def need_chromium() -> None:
    if not CHROMIUM.is_file():
        pytest.skip(MISSING)


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        done = subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def dump_dom(url: str, *, width: int = 1400, height: int = 2000) -> str:
    """The DOM after the page's scripts ran."""
    return _chromium(f"--window-size={width},{height}", "--dump-dom", url).stdout


def screenshot(url: str, path: Path, *, width: int = 1400, height: int = 2000) -> Path:
    _chromium(f"--window-size={width},{height}", f"--screenshot={path}", url)
    assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path
