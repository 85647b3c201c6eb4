"""Copy an adapter/GGUF cache entry to or from remote storage (fsspec: paths, s3://...), verifying checksums.txt."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    p = sub.add_parser(name, help=__doc__, description=__doc__)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    push = actions.add_parser("push", help="verify a local entry, upload it, verify the uploaded copy")
    push.add_argument("entry", type=Path, metavar="CACHE_ENTRY")
    push.add_argument("dest", metavar="DEST", help="an empty remote folder: s3://bucket/prefix, /mnt/share/x, ...")
    pull = actions.add_parser("pull", help="download an entry to a temporary folder, verify it, move it into place")
    pull.add_argument("source", metavar="SOURCE", help="a pushed entry: s3://bucket/prefix, /mnt/share/x, ...")
    pull.add_argument("entry", type=Path, metavar="CACHE_ENTRY", help="where it goes (must not exist yet)")
    verify = actions.add_parser("verify", help="check a local or remote entry against its checksums.txt")
    verify.add_argument("target", metavar="PATH", help="a cache entry folder or a remote URL")
    for action in (push, pull, verify):
        action.add_argument("--storage-option", action="append", default=[], metavar="KEY=VALUE",
                            help="fsspec option for the remote side (endpoint_url=..., anon=true); repeatable; "
                                 "s3:// also reads $AWS_ENDPOINT_URL and the usual AWS credentials")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """0 when the copy (or the entry) verifies; a mismatch or a missing seal raises CacheError (exit 2, files named)."""
    from harness.storage import open_location, parse_storage_options, pull, push, verify_location

    options = parse_storage_options(args.storage_option)
    if args.action == "verify":
        local = "://" not in args.target
        count = verify_location(Path(args.target) if local else open_location(args.target, options))
        print(f"{args.target}: ok, {count} files match checksums.txt")
        return 0
    if args.action == "push":
        done = push(args.entry, open_location(args.dest, options))
    else:
        done = pull(open_location(args.source, options), args.entry)
    print(f"{done.source} -> {done.destination}: {done.files} files, {done.bytes} bytes, verified at the destination")
    return 0
