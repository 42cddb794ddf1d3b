"""Helpers shared by the format readers: size limits, byte decoding and the block builder."""
from __future__ import annotations

import codecs
import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from indexer.errors import ReadError
from indexer.records import Block

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TEXT_BYTES = 20 * 1024 * 1024          # .md/.html/.txt
SNIFF_BYTES = 8192

log = logging.getLogger(__name__)


@contextlib.contextmanager
def parser_call(library: str, what: str = "") -> Iterator[None]:
    """Turn whatever a third-party parser raises on hostile input into a ReadError.

    Wrap only calls into pypdf, python-docx, bs4, markdown-it or yaml (and the walks over
    the objects they return): on malformed input those raise anything (TypeError,
    AttributeError, AssertionError...). Our own code stays outside, so a bug of ours
    propagates and stops the build instead of turning every file into a "parser error".
    MemoryError and RecursionError pass through (the worker reports them as such).
    """
    try:
        yield
    except (ReadError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parsers on hostile input raise anything
        log.warning("%s failed on %s", library, what or "a file", exc_info=True)
        raise ReadError(f"parser error ({library}): {type(exc).__name__}: "
                        f"{one_line(exc)[:160]}") from None


# ---------------------------------------------------------------------------------------
# Blocks: a builder shared by all formats

# Whole blocks (or lines) made only of these phrases are site furniture, not content.
BOILERPLATE = re.compile(
    r"(?i)(?:(?:skip to (?:main )?content|an official website of the united states government"
    r"|here['’]s how you know|official websites use \.(?:gov|mil)"
    r"|secure \.(?:gov|mil) websites use https|(?:an? )?\.(?:gov|mil) website belongs to an "
    r"official [^.]*|a lock \([^)]*\) or https:// means you['’]ve safely connected to the "
    r"\.(?:gov|mil) website|(?:share )?sensitive information only on official, secure websites"
    r"|your browser doesn['’]t support html5(?: video| audio)?|follow us on social media"
    r"|privacy policy(?: \|[^.]*)?|(?:this (?:web)?site|we) uses? cookies[^.]*)[\s.]*)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\ufeff]")
BULLET = re.compile(r"^(?:[•●▪◦▫■□‣⁃·∙*]|[-–—](?=\s))\s*")


def normalize(text: str) -> str:
    """Return `text` on one line: control characters dropped, whitespace collapsed."""
    return " ".join(_CONTROL.sub("", text).split())


class BlockBuilder:
    """Collects blocks in reading order and remembers the section each belongs to."""

    def __init__(self) -> None:
        self._blocks: list[Block] = []
        self._section = ""
        self._pending: list[str] = []

    def heading(self, text: str, page: int | None = None) -> None:
        """Add a heading; the blocks after it belong to its section."""
        text = normalize(text)
        if text:
            self._section = text
            self._blocks.append(Block(text, section=text, page=page, is_heading=True))

    def paragraph(self, text: str, page: int | None = None) -> None:
        """Add a paragraph unless it is empty, a bare bullet or site boilerplate."""
        text = normalize(text)
        if BULLET.sub("", text) and not BOILERPLATE.fullmatch(text):
            self._blocks.append(Block(text, section=self._section, page=page))

    def row(self, cells: Iterable[str], page: int | None = None) -> None:
        """Add a table row as one block, its non-empty cells joined with " | "."""
        self.paragraph(" | ".join(c for c in map(normalize, cells) if c), page)

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
# Bytes and text decoding

def check_size(path: Path, limit: int) -> None:
    """Raise ReadError if the file is missing, empty or larger than `limit` bytes."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if size == 0:
        raise ReadError("file is empty")
    if size > limit:
        raise ReadError(f"file is too large ({size // 2**20} MB, limit {limit // 2**20} MB)")


def read_bytes(path: Path, limit: int) -> bytes:
    """Return the file's bytes; raise ReadError if it is unreadable, empty or too large."""
    check_size(path, limit)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}") from None
    if not data.strip():
        raise ReadError("file is empty")
    return data


def decode_text(data: bytes) -> str:
    """Return `data` decoded as UTF-8 (BOM optional) or UTF-16 with a BOM; else raise ReadError."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError("not valid UTF-16 text") from None
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ReadError("binary content (NUL bytes), not UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(f"not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                        f"{exc.start}); save the file as UTF-8") from None


def one_line(exc: BaseException) -> str:
    """Return an exception as a short one-line reason."""
    text = normalize(str(exc)) or type(exc).__name__
    return text[:200]
