"""DOCX reader (python-docx), with the zip checked for bombs and DOCTYPEs first."""
from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from compat.docx import Cell, cell_element, paragraph_element
from indexer.errors import ReadError
from indexer.readers.common import (MAX_FILE_BYTES, BlockBuilder, check_size, one_line,
                                    parser_call)
from indexer.readers.document import build_document
from indexer.readers.hints import Hints, file_date, sensible_author, sensible_title
from indexer.records import Block, SourceDocument

MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 100
DOCX_LARGE_MEMBER = 1024 * 1024            # the ratio check applies to parts bigger than this
_DOCX_ERRORS = (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError,
                zipfile.BadZipFile)


_DOCTYPE_MARKERS = tuple("<!doctype".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be"))


def _check_docx_zip(path: Path) -> bool:
    """Check the zip before python-docx opens it; return True if it has core properties.

    Rejects damaged zips, zip bombs, packages without word/document.xml and XML parts
    with a DOCTYPE (entity expansion), each with ReadError.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_zip_sizes(infos)
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                raise ReadError("not a .docx: the zip has no word/document.xml")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    _reject_doctype(zf, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as exc:
        raise ReadError(f"not a valid .docx (zip) file: {one_line(exc)}") from None
    return "docProps/core.xml" in names


def _check_zip_sizes(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Raise ReadError if the archive expands too much in total or one big part too much."""
    total = sum(info.file_size for info in infos)
    if total > MAX_DOCX_UNCOMPRESSED:
        raise ReadError(f"zip bomb: .docx expands to {total // 2**20} MB "
                        f"(limit {MAX_DOCX_UNCOMPRESSED // 2**20} MB)")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > DOCX_LARGE_MEMBER and ratio > MAX_DOCX_RATIO:
            raise ReadError(f"zip bomb: part {info.filename} expands {ratio:.0f}:1")


def _reject_doctype(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Raise ReadError if an XML part declares a DOCTYPE; reads the part in chunks."""
    tail = b""
    with zf.open(info) as part:
        while chunk := part.read(65536):
            window = (tail + chunk).lower()
            if any(marker in window for marker in _DOCTYPE_MARKERS):
                raise ReadError(f"DOCTYPE in OOXML part: rejected ({info.filename})")
            tail = window[-32:]


class _ParagraphStyles:
    """The paragraph styles of one document, each looked up once.

    python-docx finds a style (and the default one, for paragraphs without a style id) by
    scanning every style of the document on each `Paragraph.style` access; this keeps the
    answer per style id, which is what that lookup depends on.
    """

    def __init__(self) -> None:
        self._by_id: dict[str | None, ParagraphStyle | None] = {}

    def of(self, paragraph: Paragraph) -> ParagraphStyle | None:
        """Return the paragraph's style, as `paragraph.style` would."""
        style_id = paragraph_element(paragraph).style   # the key python-docx looks up
        if style_id not in self._by_id:
            self._by_id[style_id] = paragraph.style
        return self._by_id[style_id]


def _docx_heading_level(paragraph: Paragraph, style: ParagraphStyle | None) -> int | None:
    """Return the heading level of a paragraph (style Heading N/Title or outline level), or None."""
    name = (style.name or "") if style is not None else ""
    m = re.fullmatch(r"(?i)heading\s*(\d)", name)
    if m:
        return int(m.group(1))
    if name.lower() == "title":
        return 0
    elements = [paragraph_element(paragraph)] + ([style.element] if style is not None else [])
    for element in elements:
        levels = element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if levels and levels[0].isdigit() and int(levels[0]) < 9:
            return int(levels[0]) + 1
    return None


def _is_list_paragraph(paragraph: Paragraph, style: ParagraphStyle | None) -> bool:
    """Return True for a numbered or bulleted list paragraph."""
    if style is not None and (style.name or "").lower().startswith("list"):
        return True
    return bool(paragraph_element(paragraph).xpath("./w:pPr/w:numPr"))


def _cell_text(cell: Cell) -> str:
    """Return a cell's text including nested tables, found by XPath rather than recursion."""
    paragraphs = cell_element(cell).xpath(".//w:p")
    return " ".join(Paragraph(p, cell).text for p in paragraphs)


def _table_rows(table: Table) -> Iterable[list[str]]:
    """Yield each row's cell texts, a merged cell counted once."""
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            element = cell_element(cell)
            if id(element) not in seen:          # merged cells share one <w:tc>
                seen.add(id(element))
                cells.append(_cell_text(cell))
        yield cells


def _docx_blocks(document: DocxDocument) -> tuple[Block, ...]:
    """Return the body's paragraphs and tables in document order."""
    builder = BlockBuilder()
    styles = _ParagraphStyles()
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for cells in _table_rows(item):
                builder.row(cells)
            continue
        style = styles.of(item)
        if _docx_heading_level(item, style) is not None:
            builder.heading(item.text)
        elif _is_list_paragraph(item, style):
            builder.paragraph("• " + item.text)
        else:
            builder.paragraph(item.text)
    return builder.blocks()


def _docx_hints(document: DocxDocument) -> Hints:
    """Return the title, author and creation date of the core properties."""
    props = document.core_properties
    return Hints(title=sensible_title(props.title), date=file_date(props.created),
                  author=sensible_author(props.author))


def read_docx(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a .docx as a document: headings, paragraphs and table rows in document order."""
    check_size(path, MAX_FILE_BYTES)
    has_core = _check_docx_zip(path)
    with parser_call("python-docx", path.name):
        try:
            document = docx.Document(str(path))
            blocks = _docx_blocks(document)
            hints = _docx_hints(document) if has_core else Hints()
        except _DOCX_ERRORS as exc:
            raise ReadError(f"cannot read .docx: {one_line(exc)}") from None
    return build_document(path, corpus_dir, "docx", blocks, hints=hints)
