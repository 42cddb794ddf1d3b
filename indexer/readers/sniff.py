"""Decide a file's format from its bytes and name, and dispatch to the reader."""
from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path

from indexer.errors import ReadError
from indexer.readers.common import SNIFF_BYTES
from indexer.readers.docx import read_docx
from indexer.readers.html import read_html
from indexer.readers.markdown import read_markdown
from indexer.readers.pdf import read_pdf
from indexer.readers.text import read_text
from indexer.records import SourceDocument

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_EXTENSIONS = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".html": "html",
               ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx"}


def sniff_format(name: str, head: bytes) -> str:
    """Return the format (one of FORMATS) of a file from its first bytes and its name.

    Raises ReadError for empty, image, legacy Office and unsupported files, and whenever
    the name and the content disagree about being PDF or DOCX.
    """
    if not head.strip():
        raise ReadError("file is empty")
    if head.startswith(_OLE_MAGIC):
        raise ReadError("legacy binary Office file (.doc/.xls): save it as .docx")
    if head.startswith(_IMAGE_MAGIC):
        raise ReadError("content is an image, not a document (run OCR first)")
    suffix = Path(name).suffix.lower()
    ext = _EXTENSIONS.get(suffix)
    content = "pdf" if b"%PDF-" in head[:1024] else "docx" if head.startswith(b"PK\x03\x04") else None
    if content and ext != content:
        raise ReadError(f"content is {content.upper()} but the name says {suffix or name!r}")
    if ext in ("pdf", "docx") and content is None:
        raise ReadError(f"the name says {suffix} but the content is not {ext.upper()}")
    if ext is None:
        raise ReadError(f"unsupported file type {suffix or name!r}")
    if ext == "txt" and _HTML_START.match(_ascii_head(head)):
        return "html"
    return ext


def _ascii_head(head: bytes) -> bytes:
    """Return the first bytes with a BOM and UTF-16 zero bytes removed, for tag sniffing."""
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    return head.replace(b"\x00", b"")[:1024]


_READERS: dict[str, Callable[[Path, Path], SourceDocument]] = {
    "md": read_markdown, "html": read_html, "txt": read_text, "pdf": read_pdf, "docx": read_docx,
}


def read_document(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return the document in `path`, read by the reader its content calls for.

    Raises ReadError (one-line reason) for files that cannot be read in an expected way.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    return _READERS[sniff_format(path.name, head)](path, corpus_dir)
