"""Verify an adaptation artifact directory against its checksums.txt and summarise its metadata."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    p.add_argument("artifact_dir", type=Path, metavar="ARTIFACT_DIR", help="a directory written by the adapt stage")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """0 when every file matches its checksum; a damaged artifact raises CacheError (exit 2, file named)."""
    from harness.adapt import METADATA_FILE, read_metadata, verify_artifacts
    from harness.cache import CHECKSUMS_FILE

    directory: Path = args.artifact_dir
    verify_artifacts(directory)
    listed = len((directory / CHECKSUMS_FILE).read_text(encoding="utf-8").splitlines())
    print(f"{directory}: ok, {listed} files match {CHECKSUMS_FILE}")
    if (directory / METADATA_FILE).is_file():
        print(_summary(read_metadata(directory)))
    return 0


def _summary(meta: dict[str, Any]) -> str:
    training = meta.get("training") or {}
    export = meta.get("export") or {}
    return (
        f"condition {meta.get('condition')}, base {meta.get('base_model', {}).get('name')}, "
        f"data {meta.get('dataset', {}).get('tag')} (seed {meta.get('dataset', {}).get('split_seed')}); "
        f"best {training.get('best_checkpoint')} (epoch {training.get('best_epoch')}, val loss "
        f"{training.get('best_val_loss')}); GGUF: {', '.join(sorted(export.get('gguf', {})))}"
    )
