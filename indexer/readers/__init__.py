"""Read corpus files into `SourceDocument`s: one function per format, dispatched by content.

`read_document` sniffs the bytes: PDF and DOCX are recognized by their magic bytes, and a
name that disagrees with them is an error ("content is PDF but the name says .md"); for
text, the name chooses the reader, except that a .txt holding an HTML page is read as
HTML. Metadata from front matter or a
sidecar `NAME.EXT.meta.yaml` wins over anything inferred. Files that fail in an expected way
raise `ReadError` with a one-line reason.

Modules: `sniff` (format detection, dispatch), one reader per format (`markdown`, `html`,
`text`, `pdf`, `docx`), `reflow` (hard-wrapped text), `sidecar` (front matter and sidecar
files), `hints` (metadata the format carries), `document` (assembling the SourceDocument)
and `common` (limits, decoding, the block builder).
"""
from __future__ import annotations

from indexer.readers.common import MAX_FILE_BYTES, MAX_TEXT_BYTES
from indexer.readers.document import make_doc_id
from indexer.readers.docx import (
    DOCX_LARGE_MEMBER, MAX_DOCX_RATIO, MAX_DOCX_UNCOMPRESSED, read_docx,
)
from indexer.readers.html import read_html
from indexer.readers.markdown import read_markdown
from indexer.readers.pdf import MAX_PDF_PAGES, RUNNING_LINES, read_pdf
from indexer.readers.sniff import read_document, sniff_format
from indexer.readers.text import read_text

__all__ = [
    "DOCX_LARGE_MEMBER", "MAX_DOCX_RATIO", "MAX_DOCX_UNCOMPRESSED", "MAX_FILE_BYTES",
    "MAX_PDF_PAGES", "MAX_TEXT_BYTES", "RUNNING_LINES",
    "make_doc_id", "read_document", "read_docx", "read_html", "read_markdown", "read_pdf",
    "read_text", "sniff_format",
]
