"""Import a folder of .txt/.md/.pdf files as a corpus (doc_id = path relative to the folder).

A file that cannot be read is reported with the reason and skipped; the others are still imported.
The questions file is written empty: questions come from the user (or a generator) later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.data._import_report import ImportReport
from harness.data._loader import save_dataset
from harness.data._model import Document
from harness.errors import DataError

__all__ = ["SUPPORTED_SUFFIXES", "import_folder"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf")


class _Unreadable(Exception):
    """A file that cannot become a document: ``reason; fix: ...``."""


def import_folder(folder: str | Path, out_dir: str | Path) -> ImportReport:
    root, out = Path(folder), Path(out_dir)
    if not root.is_dir():
        raise DataError(f"{root}: not a directory; fix: pass the folder holding your .txt/.md/.pdf files")
    docs, skipped = [], []
    for path in _files(root, out):
        try:
            docs.append(_document(root, path))
        except _Unreadable as exc:
            skipped.append(f"{path}: {exc}")
    if not docs:
        listed = "".join(f"\n  {line}" for line in skipped)
        raise DataError(f"{root}: no readable .txt/.md/.pdf files, so the corpus would be empty; fix: add some{listed}")
    return ImportReport(dataset=save_dataset(docs, [], out), skipped=tuple(skipped))


def _files(root: Path, out: Path) -> Iterator[Path]:
    """Files under ``root`` in sorted order, leaving out hidden ones and the output folder."""
    for path in sorted(root.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
        if path.is_file() and not hidden and out.resolve() not in path.resolve().parents:
            yield path


def _document(root: Path, path: Path) -> Document:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise _Unreadable(f"is not one of {', '.join(SUPPORTED_SUFFIXES)}; fix: convert it, or ignore this line")
    title, text, meta = _read_pdf(path) if path.suffix.lower() == ".pdf" else _read_text(path)
    if not text.strip():
        raise _Unreadable("has no text; fix: add text, or OCR a scanned PDF first")
    doc_id = path.relative_to(root).as_posix()
    return Document(doc_id=doc_id, title=title or path.stem, text=text, metadata={"source_path": doc_id, **meta})


def _read_text(path: Path) -> tuple[str, str, dict[str, object]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # -sig: drop a BOM some editors add
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"is not valid UTF-8 (byte {exc.start}); fix: re-save it as UTF-8") from None
    except OSError as exc:
        raise _Unreadable(f"cannot be read ({exc.strerror}); fix: check its permissions") from None
    return _markdown_title(text) if path.suffix.lower() != ".txt" else "", text, {"format": path.suffix.lower()[1:]}


def _markdown_title(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.lstrip("#").strip() if first.startswith("# ") else ""


def _read_pdf(path: Path) -> tuple[str, str, dict[str, object]]:
    from pypdf import PdfReader  # imported here: only folders with PDFs pay for it

    try:
        with _quiet_pypdf():
            reader = PdfReader(path)
            if reader.is_encrypted:
                raise _Unreadable("is encrypted; fix: save a decrypted copy")
            pages = [page.extract_text() or "" for page in reader.pages]
            title = (reader.metadata.title if reader.metadata else None) or ""
    except _Unreadable:
        raise
    except Exception as exc:  # a malformed PDF can raise almost anything; one bad file must not stop the rest
        raise _Unreadable(f"is not a readable PDF ({type(exc).__name__}: {exc}); fix: re-export or repair it") from None
    return str(title).strip(), "\n\n".join(pages), {"format": "pdf", "pages": len(pages)}


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs its repairs ("EOF marker not found"); our skipped-file report already says what matters."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
