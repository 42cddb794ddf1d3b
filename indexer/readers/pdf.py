"""PDF reader (pypdf): pages reflowed, running headers and footers dropped."""
from __future__ import annotations

import logging
import re
import zlib
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from compat.pypdf import empty_user_password
from indexer.errors import ReadError
from indexer.readers.common import (MAX_FILE_BYTES, BlockBuilder, check_size, one_line,
                                    parser_call)
from indexer.readers.document import build_document
from indexer.readers.hints import Hints, file_date, sensible_author, sensible_title
from indexer.readers.reflow import add_paras, reflow
from indexer.records import Block, SourceDocument

log = logging.getLogger(__name__)

MAX_PDF_PAGES = 2000

# pypdf reports malformed files with its own errors, but also with these built-ins.
_PDF_ERRORS = (PyPdfError, ValueError, KeyError, IndexError, TypeError, RecursionError,
               NotImplementedError, zlib.error)


def _opens_without_password(reader: PdfReader) -> bool:
    """Return True if the empty string is the PDF's *user* password (viewers open it silently).

    pypdf's decrypt("") also succeeds on an empty *owner* password, which would open files
    whose author set a user password; the user password is checked on its own (compat/pypdf).
    """
    return empty_user_password(reader)


def _open_pdf(path: Path) -> PdfReader:
    """Return an opened, decrypted PdfReader; raise ReadError for locked or broken files."""
    with parser_call("pypdf", path.name):
        try:
            reader = PdfReader(path, strict=False)
            if reader.is_encrypted:
                if not _opens_without_password(reader):
                    raise ReadError("PDF is password-protected")
                reader.decrypt("")
            pages = len(reader.pages)
        except _PDF_ERRORS as exc:
            raise ReadError(f"unreadable PDF: {one_line(exc)}") from None
    if pages > MAX_PDF_PAGES:
        raise ReadError(f"PDF has {pages} pages (limit {MAX_PDF_PAGES})")
    return reader


def _pdf_blocks(reader: PdfReader) -> tuple[Block, ...]:
    """Return the blocks of every page, each page reflowed and tagged with its page number."""
    builder = BlockBuilder()
    pages: list[tuple[int, str]] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            with parser_call("pypdf", f"page {number}"):
                pages.append((number, page.extract_text()))
        except ReadError as exc:
            log.warning("skipping PDF page %d: %s", number, exc)
    running = _running_lines([text for _, text in pages])
    for number, text in pages:
        kept = "\n".join(line for line in text.splitlines() if _line_key(line) not in running)
        add_paras(builder, reflow(kept, drop_page_numbers=True), page=number)
    blocks = builder.blocks()
    if not blocks:
        raise ReadError("PDF has no extractable text (scanned image?)")
    return blocks


RUNNING_LINES = 2          # lines at the top and bottom of a page checked for headers/footers


def _line_key(line: str) -> str:
    """Return a line with digits folded, to compare running headers ("Page 3 of 7")."""
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _running_lines(pages: list[str]) -> frozenset[str]:
    """Return the header/footer lines (by `_line_key`) repeated on at least half of the pages."""
    if len(pages) < 2:
        return frozenset()
    counts: dict[str, int] = {}
    for text in pages:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        edge = set(lines[:RUNNING_LINES] + lines[-RUNNING_LINES:])
        for key in {_line_key(ln) for ln in edge}:
            counts[key] = counts.get(key, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    return frozenset(k for k, n in counts.items() if n >= need and k)


def _pdf_hints(reader: PdfReader) -> Hints:
    """Return the title, author and creation date of the PDF info dictionary, when sensible."""
    try:
        with parser_call("pypdf", "the info dictionary"):
            info = reader.metadata
            if info is None:
                return Hints()
            title, author = info.title, info.author
            try:
                created = info.creation_date
            except ValueError:
                created = None
    except ReadError:
        return Hints()
    return Hints(title=sensible_title(title), date=file_date(created),
                  author=sensible_author(author))


def read_pdf(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a PDF's text as a document, blocks carrying their 1-based page number."""
    check_size(path, MAX_FILE_BYTES)
    reader = _open_pdf(path)
    return build_document(path, corpus_dir, "pdf", _pdf_blocks(reader), hints=_pdf_hints(reader))
