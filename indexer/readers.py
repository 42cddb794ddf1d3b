"""Read corpus files into `SourceDocument`s: one function per format, dispatched by content.

`read_document` sniffs the bytes: PDF and DOCX are recognized by their magic bytes, and a
name that disagrees with them is an error ("content is PDF but the name says .md"); for
text, the name chooses the reader, except that a .txt holding an HTML page is read as
HTML. Metadata from front matter or a
sidecar `NAME.EXT.meta.yaml` wins over anything inferred. Files that fail in an expected way
raise `ReadError` with a one-line reason.
"""
from __future__ import annotations

import codecs
import datetime as dt
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import NamedTuple

import docx
import yaml
from bs4 import BeautifulSoup, NavigableString, Tag
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pypdf import PdfReader
from pypdf._encryption import AlgV4, AlgV5
from pypdf.errors import PyPdfError

from indexer.errors import ReadError
from indexer.metadata import (
    detect_lang, find_acronyms, find_amounts, find_date, find_orgs, infer_title,
)
from indexer.records import DOC_TYPES, Block, DocMeta, Marking, SourceDocument

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TEXT_BYTES = 20 * 1024 * 1024          # .md/.html/.txt
MAX_PDF_PAGES = 2000
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 100
DOCX_LARGE_MEMBER = 1024 * 1024            # the ratio check applies to parts bigger than this
_SNIFF_BYTES = 8192
_TOP_BLOCKS = 40                           # blocks searched for the document's date

# pypdf reports malformed files with its own errors, but also with these built-ins.
_PDF_ERRORS = (PyPdfError, ValueError, KeyError, IndexError, TypeError, RecursionError,
               NotImplementedError, zlib.error)
_DOCX_ERRORS = (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError,
                zipfile.BadZipFile)


# ---------------------------------------------------------------------------------------
# Blocks: a builder shared by all formats

# Whole blocks (or lines) made only of these phrases are site furniture, not content.
_BOILERPLATE = re.compile(
    r"(?i)(?:(?:skip to (?:main )?content|an official website of the united states government"
    r"|here['’]s how you know|official websites use \.(?:gov|mil)"
    r"|secure \.(?:gov|mil) websites use https|(?:an? )?\.(?:gov|mil) website belongs to an "
    r"official [^.]*|a lock \([^)]*\) or https:// means you['’]ve safely connected to the "
    r"\.(?:gov|mil) website|(?:share )?sensitive information only on official, secure websites"
    r"|your browser doesn['’]t support html5(?: video| audio)?|follow us on social media"
    r"|privacy policy(?: \|[^.]*)?|(?:this (?:web)?site|we) uses? cookies[^.]*)[\s.]*)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\ufeff]")
_BULLET = re.compile(r"^(?:[•●▪◦▫■□‣⁃·∙*]|[-–—](?=\s))\s*")


def _normalize(text: str) -> str:
    """Return `text` on one line: control characters dropped, whitespace collapsed."""
    return " ".join(_CONTROL.sub("", text).split())


class _BlockBuilder:
    """Collects blocks in reading order and remembers the section each belongs to."""

    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._section = ""
        self._pending: list[str] = []

    def heading(self, text: str, page: int | None = None) -> None:
        """Add a heading; the blocks after it belong to its section."""
        text = _normalize(text)
        if text:
            self._section = text
            self._blocks.append(Block(text, section=text, page=page, is_heading=True))

    def paragraph(self, text: str, page: int | None = None) -> None:
        """Add a paragraph unless it is empty, a bare bullet or site boilerplate."""
        text = _normalize(text)
        if _BULLET.sub("", text) and not _BOILERPLATE.fullmatch(text):
            self._blocks.append(Block(text, section=self._section, page=page))

    def row(self, cells: Iterable[str], page: int | None = None) -> None:
        """Add a table row as one block, its non-empty cells joined with " | "."""
        self.paragraph(" | ".join(c for c in map(_normalize, cells) if c), page)

    def add_text(self, text: str) -> None:
        """Append inline text to the paragraph being collected."""
        self._pending.append(text)

    def flush(self) -> None:
        """End the paragraph being collected."""
        if self._pending:
            self.paragraph("".join(self._pending))
            self._pending = []

    def blocks(self) -> tuple[Block, ...]:
        """Return the blocks collected so far."""
        self.flush()
        return tuple(self._blocks)


# ---------------------------------------------------------------------------------------
# Reflowing hard-wrapped text (plain text and PDF pages)

class _Para(NamedTuple):
    text: str
    is_heading: bool


_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’»)\]]*$")
_NUMBERED = re.compile(r"^(?:\d{1,3}|[a-zа-я])[.)]\s+\S")
_PAGE_NUMBER = re.compile(r"(?i)^(?:page\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:of|/|з)\s*\d{1,4})?$")
_WRAP_MAX = 200          # lines longer than this are paragraphs, not hard-wrapped lines
_WRAP_MIN = 40           # nor is text whose lines are all shorter than this
_FULL_SHARE = 0.6        # a line this close to the wrap width was wrapped by the layout
_LOWER_START = re.compile(r"^[a-zа-яіїєґ(\"“‘'’]")
_HEADING_STOPWORDS = frozenset(
    "a an and as at by for from in of on or the to with та і й з у в на до".split())


def _wrap_width(lines: Sequence[str]) -> int:
    """Return the typical width of the text's lines (their 90th percentile length)."""
    lengths = sorted(len(line) for line in lines if line)
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0


def _is_full(line: str, width: int) -> bool:
    """Return True if `line` reaches the wrap width of hard-wrapped text."""
    return _WRAP_MIN <= width <= _WRAP_MAX and len(line) >= _FULL_SHARE * width


def _is_item(line: str) -> bool:
    """Return True if `line` starts a bullet or numbered list item."""
    return bool(_BULLET.match(line) or _NUMBERED.match(line))


def _is_heading_like(line: str, next_line: str | None) -> bool:
    """Return True for a short all-caps, title-cased or label line without closing punctuation.

    A sentence-case line ("Sector reform") counts only before a longer paragraph; a
    dateline ("Kyiv, 22 May 2018") never does.
    """
    words = line.split()
    if not 1 <= len(words) <= 12 or len(line) > 80 or _is_item(line) or line[-1] in ".,;!?":
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 3 or find_date(line):
        return False
    if all(c.isupper() for c in letters):
        return True
    content = [w for w in words if w[0].isalpha() and w.lower() not in _HEADING_STOPWORDS]
    alpha_words = [w for w in words if any(c.isalpha() for c in w)]
    if len(alpha_words) * 2 < len(words) or not content:
        return False
    if sum(w[0].isupper() for w in content) >= 0.7 * len(content):
        return True
    is_label = line[0].isupper() and len(words) <= 8
    return is_label and next_line is not None and len(next_line) > 2 * len(line)


def _continues(prev: str, line: str, blanks: int, width: int) -> bool:
    """Return True if `line` continues the paragraph whose last line is `prev`."""
    if _is_item(line):
        return False
    if blanks >= 2:
        return False
    if _SENTENCE_END.search(prev):
        return blanks == 0 and _is_full(prev, width)
    return _is_full(prev, width) or bool(_LOWER_START.match(line))


def _join_line(parts: list[str], line: str) -> None:
    """Append a wrapped line to a paragraph, gluing words hyphenated at the line end."""
    if parts and parts[-1].endswith("-") and parts[-1][-2:-1].isalpha() and line[:1].islower():
        parts[-1] += line
    else:
        parts.append(line)


def _reflow(text: str, *, drop_page_numbers: bool = False) -> list[_Para]:
    """Return the paragraphs of hard-wrapped text, joining lines broken mid-paragraph.

    A blank line ends a paragraph only after a sentence end (.!?:;) or before a bullet; a
    line with no blank line after it ends one only if it is short and ends a sentence.
    Short all-caps or title-like lines followed by a blank line become headings.
    """
    lines = [_normalize(line) for line in text.splitlines()]
    lines = ["" if _BOILERPLATE.fullmatch(line) else line for line in lines]
    if drop_page_numbers:
        lines = ["" if _PAGE_NUMBER.match(line) else line for line in lines]
    width = _wrap_width(lines)
    entries: list[tuple[str, int]] = []          # (line, blank lines before it)
    blanks = 0
    for line in lines:
        if line:
            entries.append((line, blanks))
            blanks = 0
        else:
            blanks += 1
    return _group_lines(entries, width)


def _group_lines(entries: Sequence[tuple[str, int]], width: int) -> list[_Para]:
    """Group (line, blanks-before) entries into paragraphs and headings."""
    paras: list[_Para] = []
    parts: list[str] = []
    for i, (line, blanks) in enumerate(entries):
        if parts and _continues(parts[-1], line, blanks, width):
            _join_line(parts, line)
            continue
        if parts:
            paras.append(_Para(" ".join(parts), False))
            parts = []
        next_line = entries[i + 1][0] if i + 1 < len(entries) else None
        blank_after = next_line is None or entries[i + 1][1] > 0
        heading = _is_heading_like(line, next_line) and not _is_full(line, width)
        if heading and (blank_after or line.isupper()):
            paras.append(_Para(line, True))
        else:
            parts = [line]
    if parts:
        paras.append(_Para(" ".join(parts), False))
    return paras


def _add_paras(builder: _BlockBuilder, paras: Iterable[_Para], page: int | None = None) -> None:
    """Add reflowed paragraphs to `builder`, bullets normalized to "• "."""
    for para in paras:
        if para.is_heading:
            builder.heading(para.text, page)
        else:
            builder.paragraph(_BULLET.sub("• ", para.text, count=1), page)


# ---------------------------------------------------------------------------------------
# Stated metadata: front matter and sidecar files

@dataclass(frozen=True, slots=True)
class _Stated:
    """Metadata stated by a person (front matter or sidecar); None means "not stated"."""

    title: str | None = None
    date: str | None = None
    doc_type: str | None = None
    marking: Marking | None = None
    lang: str | None = None
    author: str | None = None
    orgs: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class _Hints:
    """Metadata the file format carries (HTML <title>, PDF info dict, DOCX core properties)."""

    title: str | None = None
    date: str | None = None
    author: str | None = None


_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LANGS = ("en", "uk")


def _split_front_matter(text: str) -> tuple[str | None, str]:
    """Return (YAML text of the front matter or None, the Markdown body)."""
    if not re.match(r"---[ \t]*\r?\n", text):
        return None, text
    m = _FRONT_MATTER.match(text)
    if not m:
        raise ReadError("front matter: no closing '---' line")
    return m.group(1), text[m.end():]


def _iso_date(value: object) -> str | None:
    """Return an ISO "YYYY[-MM[-DD]]" string for a YAML date value, or None if invalid."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = _ISO_DATE.fullmatch(str(value).strip())
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year or 0, month or 1, day or 1)
    except ValueError:
        return None
    return m.group(0)


def _stated_value(key: str, value: object, label: str) -> object:
    """Return the validated value of one front-matter key; raise ReadError naming the problem."""
    if key == "marking":
        try:
            return Marking.parse(value)
        except ValueError as exc:
            raise ReadError(f"{label}: {exc}") from None
    if key == "type":
        if str(value).strip().lower() not in DOC_TYPES:
            raise ReadError(f"{label}: unknown type {value!r} (expected one of {', '.join(DOC_TYPES)})")
        return str(value).strip().lower()
    if key == "lang":
        if str(value).strip().lower() not in _LANGS:
            raise ReadError(f"{label}: unknown lang {value!r} (expected en or uk)")
        return str(value).strip().lower()
    if key == "date":
        iso = _iso_date(value)
        if iso is None:
            raise ReadError(f"{label}: date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return iso
    if key == "orgs":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ReadError(f"{label}: orgs must be a list of names")
        return tuple(i.strip() for i in items if i.strip())
    return _normalize(str(value)) or None       # title, author


_STATED_KEYS = {"title": "title", "date": "date", "type": "doc_type", "marking": "marking",
                "lang": "lang", "author": "author", "orgs": "orgs"}


def _parse_stated(yaml_text: str, label: str) -> _Stated:
    """Return the metadata stated in a YAML mapping; unknown keys are ignored."""
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ReadError(f"{label}: invalid YAML{where}: {problem}") from None
    except ValueError as exc:                   # e.g. a timestamp like 2024-13-01
        raise ReadError(f"{label}: invalid value: {exc}") from None
    if data is None:
        return _Stated()
    if not isinstance(data, dict):
        raise ReadError(f"{label}: expected 'key: value' lines")
    values = {attr: _stated_value(key, data[key], label)
              for key, attr in _STATED_KEYS.items() if data.get(key) not in (None, "")}
    return _Stated(**values)


def _read_sidecar(path: Path) -> _Stated:
    """Return the metadata in `path`'s sidecar NAME.EXT.meta.yaml, empty if there is none."""
    sidecar = path.with_name(path.name + ".meta.yaml")
    if not sidecar.is_file():
        return _Stated()
    try:
        text = _decode_text(sidecar.read_bytes())
    except ReadError as exc:
        raise ReadError(f"{sidecar.name}: {exc}") from None
    return _parse_stated(text, sidecar.name)


def _merge_stated(front: _Stated, sidecar: _Stated) -> _Stated:
    """Return front matter overridden by the sidecar; the more restrictive marking wins."""
    merged = replace(front, **{f.name: getattr(sidecar, f.name) for f in fields(sidecar)
                               if getattr(sidecar, f.name) is not None})
    if front.marking is not None and sidecar.marking is not None:
        merged = replace(merged, marking=max(front.marking, sidecar.marking))
    return merged


# ---------------------------------------------------------------------------------------
# Building the SourceDocument

_TRANSLIT = dict(zip(
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёыэъ'’",
    "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia e y e _ _ _"
    .split()))


def make_doc_id(rel_path: str) -> str:
    """Return a stable URL-safe id ([a-z0-9._-]) for a corpus-relative path.

    "minutes/BDC 2019.pdf" -> "minutes--bdc-2019.pdf"; Cyrillic is transliterated.
    """
    return "--".join(_slug(segment) for segment in rel_path.split("/"))


def _slug(segment: str) -> str:
    """Return one path segment lowercased, transliterated and reduced to [a-z0-9._-]."""
    latin = "".join(_TRANSLIT.get(c, c).replace("_", "") for c in segment.lower())
    ascii_only = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    slug = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9._-]+", "-", ascii_only)).strip("-")
    return slug or "-"


def _relative_path(path: Path, corpus_dir: Path) -> str:
    """Return `path` relative to `corpus_dir` with "/" separators."""
    try:
        rel = path.relative_to(corpus_dir)
    except ValueError:
        rel = path.resolve().relative_to(corpus_dir.resolve())
    return rel.as_posix()


def _choose_date(stated: str | None, top_text: str, file_date: str | None) -> tuple[str | None, str]:
    """Return (date, date_source): stated beats the text, the text beats file metadata."""
    if stated:
        return stated, "front-matter"
    found = find_date(top_text)
    if found:
        return found, "text"
    if file_date:
        return file_date, "file-metadata"
    return None, ""


def _doc_meta(blocks: Sequence[Block], stated: _Stated, hints: _Hints, name: str) -> DocMeta:
    """Return the document's metadata: stated values first, then format hints, then inference."""
    full = "\n".join(b.text for b in blocks)
    top = "\n".join(b.text for b in blocks[:_TOP_BLOCKS])
    date, date_source = _choose_date(stated.date, top, hints.date)
    return DocMeta(
        title=stated.title or hints.title or infer_title(blocks, name),
        date=date,
        lang=stated.lang or detect_lang(full),
        doc_type=stated.doc_type,
        marking=stated.marking if stated.marking is not None else Marking.INTERNAL,
        author=stated.author or hints.author,
        orgs=stated.orgs if stated.orgs is not None else find_orgs(full),
        amounts=find_amounts(full),
        acronyms=find_acronyms(full),
        date_source=date_source,
    )


def _document(path: Path, corpus_dir: Path, fmt: str, blocks: tuple[Block, ...],
              front: _Stated = _Stated(), hints: _Hints = _Hints()) -> SourceDocument:
    """Return the SourceDocument for blocks read from `path`; raise ReadError if there is no text."""
    if not blocks:
        raise ReadError("no text found in the document")
    stated = _merge_stated(front, _read_sidecar(path))
    rel = _relative_path(path, corpus_dir)
    meta = _doc_meta(blocks, stated, hints, path.name)
    return SourceDocument(doc_id=make_doc_id(rel), path=rel, fmt=fmt, meta=meta, blocks=blocks)


# ---------------------------------------------------------------------------------------
# Bytes and text decoding

def _check_size(path: Path, limit: int) -> None:
    """Raise ReadError if the file is missing, empty or larger than `limit` bytes."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if size == 0:
        raise ReadError("file is empty")
    if size > limit:
        raise ReadError(f"file is too large ({size // 2**20} MB, limit {limit // 2**20} MB)")


def _read_bytes(path: Path, limit: int) -> bytes:
    """Return the file's bytes; raise ReadError if it is unreadable, empty or too large."""
    _check_size(path, limit)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if not data.strip():
        raise ReadError("file is empty")
    return data


def _decode_text(data: bytes) -> str:
    """Return `data` decoded as UTF-8 (BOM optional) or UTF-16 with a BOM; else raise ReadError."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError("not valid UTF-16 text") from None
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise ReadError("binary content (NUL bytes), not UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                        f"{exc.start}); save the file as UTF-8") from None


# ---------------------------------------------------------------------------------------
# Plain text

def read_text(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a plain-text file as a document, hard-wrapped lines reflowed into paragraphs."""
    text = _decode_text(_read_bytes(path, MAX_TEXT_BYTES))
    builder = _BlockBuilder()
    _add_paras(builder, _reflow(text))
    return _document(path, corpus_dir, "txt", builder.blocks())


# ---------------------------------------------------------------------------------------
# Markdown

def _markdown_parser() -> MarkdownIt:
    """Return a CommonMark parser with tables and strikethrough."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(token: Token) -> str:
    """Return the plain text of an inline token: markup and raw HTML tags dropped."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _html_fragment_text(html: str) -> str:
    """Return the text of a raw HTML fragment embedded in Markdown."""
    return BeautifulSoup(html, "html.parser").get_text(" ")


class _MarkdownState:
    """Where the token walk is: inside a heading, a table row, list items."""

    def __init__(self) -> None:
        self.in_heading = False
        self.row: list[str] | None = None
        self.item_prefixes: list[str] = []


def _markdown_blocks(body: str) -> tuple[Block, ...]:
    """Return the blocks of a Markdown body, walking markdown-it's token stream."""
    builder = _BlockBuilder()
    state = _MarkdownState()
    for token in _markdown_parser().parse(body):
        _markdown_token(token, state, builder)
    return builder.blocks()


def _markdown_token(token: Token, state: _MarkdownState, builder: _BlockBuilder) -> None:
    """Apply one block-level token to the walk state and the builder."""
    kind = token.type
    if kind == "heading_open":
        state.in_heading = True
    elif kind == "heading_close":
        state.in_heading = False
    elif kind == "list_item_open":
        ordered = token.markup in (".", ")")
        state.item_prefixes.append(f"{token.info}{token.markup} " if ordered else "• ")
    elif kind == "list_item_close":
        state.item_prefixes.pop()
    elif kind == "tr_open":
        state.row = []
    elif kind == "tr_close":
        builder.row(state.row or ())
        state.row = None
    elif kind == "inline":
        _markdown_inline(_inline_text(token), state, builder)
    elif kind in ("fence", "code_block"):
        builder.paragraph(token.content)
    elif kind == "html_block":
        builder.paragraph(_html_fragment_text(token.content))


def _markdown_inline(text: str, state: _MarkdownState, builder: _BlockBuilder) -> None:
    """Add inline text as a heading, a table cell, a list item or a paragraph."""
    if state.in_heading:
        builder.heading(text)
    elif state.row is not None:
        state.row.append(text)
    elif state.item_prefixes and state.item_prefixes[-1]:
        builder.paragraph(state.item_prefixes[-1] + text)
        state.item_prefixes[-1] = ""        # later paragraphs of the item get no bullet
    else:
        builder.paragraph(text)


def read_markdown(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a Markdown file as a document; its YAML front matter gives stated metadata."""
    text = _decode_text(_read_bytes(path, MAX_TEXT_BYTES))
    yaml_text, body = _split_front_matter(text)
    front = _parse_stated(yaml_text, "front matter") if yaml_text is not None else _Stated()
    return _document(path, corpus_dir, "md", _markdown_blocks(body), front)


# ---------------------------------------------------------------------------------------
# HTML

_DROP_TAGS = frozenset(
    "script style nav footer aside noscript form template iframe svg button select textarea "
    "object embed canvas head dialog".split())
_DROP_ROLES = frozenset(("navigation", "banner", "contentinfo", "search", "dialog"))
_DROP_ID_CLASS = re.compile(
    r"(?i)cookie|consent|gdpr|skip-?(?:link|nav|to)|breadcrumb|share-?(?:bar|buttons|tools)"
    r"|social-?(?:links|share)|newsletter|usa-banner|gov-?banner|site-?(?:header|footer)")
_BLOCK_TAGS = frozenset(
    "p div section article main li dd dt blockquote pre figcaption caption address ul ol dl "
    "table tbody thead tfoot header figure details summary center body html".split())
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_DATE_METAS = frozenset((
    "date", "dc.date", "dcterms.date", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "article:published_time", "og:published_time", "pubdate", "publish-date", "publishdate",
    "publication_date", "citation_publication_date", "datepublished"))
_SITE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|·)\s+")
_SITE_NAME = re.compile(
    r"(?i)department|ministry|міністерств|office|agency|nato|government|уряд|embassy"
    r"|white house|\.gov|news|кабінет|inspector|command|portal|website|official|u\.s\.")


def _is_boilerplate(tag: Tag, keep_header: bool) -> bool:
    """Return True for navigation, banners, forms, cookie notices and hidden elements."""
    if tag.name in _DROP_TAGS or (tag.name == "header" and not keep_header):
        return True
    attrs = tag.attrs or {}
    if attrs.get("role") in _DROP_ROLES or "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    classes = attrs.get("class") or []
    marker = " ".join([str(attrs.get("id", "")), *(classes if isinstance(classes, list) else [classes])])
    return bool(_DROP_ID_CLASS.search(marker))


def _content_root(soup: BeautifulSoup) -> Tag:
    """Return <main>, else the only <article>, else <body>: where the content is."""
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if isinstance(main, Tag):
        return main
    articles = soup.find_all("article", limit=2)
    if len(articles) == 1:
        return articles[0]
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup


def _html_blocks(root: Tag) -> tuple[Block, ...]:
    """Return the blocks under `root`, walking the tree with an explicit stack (no recursion)."""
    builder = _BlockBuilder()
    keep_header = root.name in ("main", "article") or root.get("role") == "main"
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            builder.flush()
        elif type(node) is NavigableString:          # not comments, doctypes or CDATA
            builder.add_text(str(node))
        elif isinstance(node, Tag) and not _is_boilerplate(node, keep_header):
            if _html_element(node, builder):
                if node.name in _BLOCK_TAGS:
                    stack.append((node, True))        # flush when the block ends
                stack.extend((child, False) for child in reversed(node.contents))
    return builder.blocks()


def _html_element(tag: Tag, builder: _BlockBuilder) -> bool:
    """Handle one element; return True if its children still need walking."""
    name = tag.name
    if name in _HEADING_TAGS:
        builder.flush()
        builder.heading(tag.get_text(" "))
        return False
    if name == "tr":
        builder.flush()
        builder.row(cell.get_text(" ") for cell in tag.find_all(("td", "th"), recursive=False))
        return False
    if name == "br":
        builder.add_text(" ")
        return False
    if name in _BLOCK_TAGS:
        builder.flush()
        if name == "li":
            builder.add_text("• ")
    return True


def _clean_html_title(title: str, h1: str) -> str | None:
    """Return the page title without a site-name suffix ("Title | Ministry of ..." -> "Title")."""
    title = _normalize(title)
    if h1 and title.startswith(h1):
        return h1
    parts = _SITE_SEPARATORS.split(title)
    while len(parts) > 1 and len(parts[-1]) <= 120 and _SITE_NAME.search(parts[-1]):
        parts.pop()
    return " - ".join(parts) if title else None


def _html_date(soup: BeautifulSoup, root: Tag) -> str | None:
    """Return the date in a <meta> publication-date tag or the first <time datetime>, or None."""
    for meta in soup.find_all("meta"):
        key = str(meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if key in _DATE_METAS:
            m = _ISO_DATE.match(str(meta.get("content", "")).strip())
            if m:
                return _iso_date(m.group(0))
    time_tag = root.find("time", attrs={"datetime": True})
    if isinstance(time_tag, Tag):
        m = _ISO_DATE.match(str(time_tag.get("datetime", "")).strip())
        return _iso_date(m.group(0)) if m else None
    return None


def _html_hints(soup: BeautifulSoup, root: Tag) -> _Hints:
    """Return the title, date and author an HTML page states in its markup."""
    h1_tag = root.find("h1") or soup.find("h1")
    h1 = _normalize(h1_tag.get_text(" ")) if isinstance(h1_tag, Tag) else ""
    title_tag = soup.find("title")
    title = _clean_html_title(title_tag.get_text(" "), h1) if isinstance(title_tag, Tag) else None
    author_tag = soup.find("meta", attrs={"name": "author"})
    author = _normalize(str(author_tag.get("content", ""))) if isinstance(author_tag, Tag) else ""
    return _Hints(title=title or h1 or None, date=_html_date(soup, root), author=author or None)


def read_html(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return an HTML page as a document: the main content, without site boilerplate."""
    text = _decode_text(_read_bytes(path, MAX_TEXT_BYTES))
    try:
        soup = BeautifulSoup(text, "html.parser")
        root = _content_root(soup)
        blocks = _html_blocks(root)
        hints = _html_hints(soup, root)
    except RecursionError:
        raise ReadError("HTML is nested too deeply to read") from None
    return _document(path, corpus_dir, "html", blocks, hints=hints)


# ---------------------------------------------------------------------------------------
# PDF

_JUNK_TITLE = re.compile(
    r"(?i)^(?:microsoft (?:word|powerpoint|excel) - .*|untitled.*|document\d*|doc\d+|slide \d+"
    r"|.*\.(?:docx?|pdf|odt|rtf|indd|tex|dvi|xlsx?|pptx?|qxd|txt))$")
_JUNK_AUTHOR = frozenset(("python-docx", "administrator", "admin", "user", "author", "unknown",
                          "microsoft office user", "owner"))


def _sensible_title(title: object) -> str | None:
    """Return a metadata title unless it is a placeholder or a file name."""
    text = _normalize(str(title or ""))
    return text if len(text) >= 3 and not _JUNK_TITLE.match(text) else None


def _sensible_author(author: object) -> str | None:
    """Return a metadata author unless it is a generator or account placeholder."""
    text = _normalize(str(author or ""))
    return text if text and text.lower() not in _JUNK_AUTHOR else None


# Timestamps that generators write into every file: Jan 1 00:00:00 of any year, and the
# creation date of python-docx's default template.
_PLACEHOLDER_STAMPS = (re.compile(r"\d{4}-01-01T00:00:00"), re.compile(r"2013-12-23T23:15:00"))


def _file_date(stamp: dt.datetime | None) -> str | None:
    """Return a file-metadata timestamp as YYYY-MM-DD, ignoring generators' placeholder stamps."""
    if stamp is None:
        return None
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    if any(p.fullmatch(text) for p in _PLACEHOLDER_STAMPS):
        return None
    return stamp.date().isoformat()


def _opens_without_password(reader: PdfReader) -> bool:
    """Return True if the empty string is the PDF's *user* password (viewers open it silently).

    pypdf's decrypt("") also succeeds on an empty *owner* password, which would open files
    whose author set a user password; so the user password is checked on its own here.
    """
    enc = reader._encryption  # noqa: SLF001 - pypdf has no public API for this check
    if enc is None:
        return True
    if enc.V <= 4:
        key = AlgV4.verify_user_password(b"", enc.R, enc.Length, enc.values.O, enc.values.U,
                                         enc.P, enc.id1_entry, enc.EncryptMetadata)
    else:
        key = AlgV5.verify_user_password(enc.R, b"", enc.values.U, enc.values.UE)
    return bool(key)


def _open_pdf(path: Path) -> PdfReader:
    """Return an opened, decrypted PdfReader; raise ReadError for locked or broken files."""
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            if not _opens_without_password(reader):
                raise ReadError("PDF is password-protected")
            reader.decrypt("")
        pages = len(reader.pages)
    except _PDF_ERRORS as exc:
        raise ReadError(f"unreadable PDF: {_one_line(exc)}") from None
    if pages > MAX_PDF_PAGES:
        raise ReadError(f"PDF has {pages} pages (limit {MAX_PDF_PAGES})")
    return reader


def _one_line(exc: BaseException) -> str:
    """Return an exception as a short one-line reason."""
    text = _normalize(str(exc)) or type(exc).__name__
    return text[:200]


def _pdf_blocks(reader: PdfReader) -> tuple[Block, ...]:
    """Return the blocks of every page, each page reflowed and tagged with its page number."""
    builder = _BlockBuilder()
    pages: list[tuple[int, str]] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append((number, page.extract_text()))
        except _PDF_ERRORS as exc:
            log.warning("skipping PDF page %d: %s", number, _one_line(exc))
    running = _running_lines([text for _, text in pages])
    for number, text in pages:
        kept = "\n".join(line for line in text.splitlines() if _line_key(line) not in running)
        _add_paras(builder, _reflow(kept, drop_page_numbers=True), page=number)
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


def _pdf_hints(reader: PdfReader) -> _Hints:
    """Return the title, author and creation date of the PDF info dictionary, when sensible."""
    try:
        info = reader.metadata
        if info is None:
            return _Hints()
        title, author = info.title, info.author
        try:
            created = info.creation_date
        except ValueError:
            created = None
    except _PDF_ERRORS:
        return _Hints()
    return _Hints(title=_sensible_title(title), date=_file_date(created),
                  author=_sensible_author(author))


def read_pdf(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a PDF's text as a document, blocks carrying their 1-based page number."""
    _check_size(path, MAX_FILE_BYTES)
    reader = _open_pdf(path)
    return _document(path, corpus_dir, "pdf", _pdf_blocks(reader), hints=_pdf_hints(reader))


# ---------------------------------------------------------------------------------------
# DOCX

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
        raise ReadError(f"not a valid .docx (zip) file: {_one_line(exc)}") from None
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


def _docx_heading_level(paragraph: Paragraph) -> int | None:
    """Return the heading level of a paragraph (style Heading N/Title or outline level), or None."""
    style = paragraph.style
    name = (style.name or "") if style is not None else ""
    m = re.fullmatch(r"(?i)heading\s*(\d)", name)
    if m:
        return int(m.group(1))
    if name.lower() == "title":
        return 0
    elements = [paragraph._p] + ([style.element] if style is not None else [])  # noqa: SLF001
    for element in elements:
        levels = element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if levels and levels[0].isdigit() and int(levels[0]) < 9:
            return int(levels[0]) + 1
    return None


def _is_list_paragraph(paragraph: Paragraph) -> bool:
    """Return True for a numbered or bulleted list paragraph."""
    style = paragraph.style
    if style is not None and (style.name or "").lower().startswith("list"):
        return True
    return bool(paragraph._p.xpath("./w:pPr/w:numPr"))  # noqa: SLF001


def _cell_text(cell: _Cell) -> str:
    """Return a cell's text including nested tables, found by XPath rather than recursion."""
    paragraphs = cell._tc.xpath(".//w:p")  # noqa: SLF001
    return " ".join(Paragraph(p, cell).text for p in paragraphs)


def _table_rows(table: Table) -> Iterable[list[str]]:
    """Yield each row's cell texts, a merged cell counted once."""
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) not in seen:  # noqa: SLF001 - merged cells share one <w:tc>
                seen.add(id(cell._tc))  # noqa: SLF001
                cells.append(_cell_text(cell))
        yield cells


def _docx_blocks(document: DocxDocument) -> tuple[Block, ...]:
    """Return the body's paragraphs and tables in document order."""
    builder = _BlockBuilder()
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for cells in _table_rows(item):
                builder.row(cells)
        elif _docx_heading_level(item) is not None:
            builder.heading(item.text)
        elif _is_list_paragraph(item):
            builder.paragraph("• " + item.text)
        else:
            builder.paragraph(item.text)
    return builder.blocks()


def _docx_hints(document: DocxDocument) -> _Hints:
    """Return the title, author and creation date of the core properties."""
    props = document.core_properties
    return _Hints(title=_sensible_title(props.title), date=_file_date(props.created),
                  author=_sensible_author(props.author))


def read_docx(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a .docx as a document: headings, paragraphs and table rows in document order."""
    _check_size(path, MAX_FILE_BYTES)
    has_core = _check_docx_zip(path)
    try:
        document = docx.Document(str(path))
        blocks = _docx_blocks(document)
        hints = _docx_hints(document) if has_core else _Hints()
    except _DOCX_ERRORS as exc:
        raise ReadError(f"cannot read .docx: {_one_line(exc)}") from None
    return _document(path, corpus_dir, "docx", blocks, hints=hints)


# ---------------------------------------------------------------------------------------
# Dispatch

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
            head = fh.read(_SNIFF_BYTES)
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    return _READERS[sniff_format(path.name, head)](path, corpus_dir)
