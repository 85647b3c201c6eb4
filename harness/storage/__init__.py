"""Cache entries (adapters, merged models, GGUF levels) to and from remote storage, sealed by ``checksums.txt``.

``push`` verifies the local entry, uploads it (``checksums.txt`` last) and verifies the uploaded copy; ``pull``
downloads into a temporary folder beside the destination, verifies it and only then renames it into place, so a
cache never holds a half-verified entry. Remote locations are fsspec URLs (local paths, ``s3://bucket/prefix``, ...);
fsspec and s3fs are the ``storage`` extra, imported only here.
"""

from harness.storage._location import Location, open_location, parse_storage_options
from harness.storage._transfer import Transfer, pull, push, verify_location

__all__ = ["Location", "Transfer", "open_location", "parse_storage_options", "pull", "push", "verify_location"]
