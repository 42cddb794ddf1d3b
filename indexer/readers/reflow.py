"""Reflow hard-wrapped text (plain text and PDF pages) into paragraphs and headings."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from indexer.metadata import find_date
from indexer.readers.common import BOILERPLATE, BULLET, BlockBuilder, normalize

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
    return bool(BULLET.match(line) or _NUMBERED.match(line))


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


def reflow(text: str, *, drop_page_numbers: bool = False) -> list[_Para]:
    """Return the paragraphs of hard-wrapped text, joining lines broken mid-paragraph.

    A blank line ends a paragraph only after a sentence end (.!?:;) or before a bullet; a
    line with no blank line after it ends one only if it is short and ends a sentence.
    Short all-caps or title-like lines followed by a blank line become headings.
    """
    lines = [normalize(line) for line in text.splitlines()]
    lines = ["" if BOILERPLATE.fullmatch(line) else line for line in lines]
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


def add_paras(builder: BlockBuilder, paras: Iterable[_Para], page: int | None = None) -> None:
    """Add reflowed paragraphs to `builder`, bullets normalized to "• "."""
    for para in paras:
        if para.is_heading:
            builder.heading(para.text, page)
        else:
            builder.paragraph(BULLET.sub("• ", para.text, count=1), page)
