"""What a result file needs to be self-describing: code, packages, machine."""

from __future__ import annotations

import os
import platform
import subprocess
from functools import cache
from pathlib import Path

from harness.versions import package_versions

__all__ = ["git_info", "hardware_info", "package_versions", "provenance"]


def _git(*args: str, cwd: Path) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


@cache
def git_info(root: Path | None = None) -> dict[str, object]:
    root = root or Path.cwd()
    commit = _git("rev-parse", "HEAD", cwd=root)
    status = _git("status", "--porcelain", "--untracked-files=no", cwd=root)
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


@cache
def hardware_info() -> dict[str, object]:
    info: dict[str, object] = {
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        info["memory_gib"] = round(pages * size / 2**30, 1)
    except (ValueError, OSError):
        pass
    return info


def provenance() -> dict[str, object]:
    return {"git": git_info(), "packages": package_versions(), "hardware": hardware_info()}
