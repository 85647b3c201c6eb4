"""A content-addressed artifact cache with checksums, atomic writes, file locks and a crash-safe journal.

Every pipeline stage stores its artifact under ``<root>/<stage>/<stage_key(...)>/``; a second run
with the same inputs reuses it, and a damaged entry is detected and rebuilt, never used.
"""

from harness.cache._atomic import atomic_write_bytes, atomic_write_text
from harness.cache._cache import META_FILE, Cache, default_cache_dir
from harness.cache._checksums import CHECKSUMS_FILE, parse_checksums, verify_checksums, write_checksums
from harness.cache._hashing import canonical_json, sha256_file, sha256_file_memo, stage_key
from harness.cache._journal import JsonlJournal
from harness.cache._lock import file_lock
from harness.cache._safetensors import check_safetensors

__all__ = [
    "CHECKSUMS_FILE",
    "META_FILE",
    "Cache",
    "JsonlJournal",
    "atomic_write_bytes",
    "atomic_write_text",
    "canonical_json",
    "check_safetensors",
    "default_cache_dir",
    "file_lock",
    "parse_checksums",
    "sha256_file",
    "sha256_file_memo",
    "stage_key",
    "verify_checksums",
    "write_checksums",
]
