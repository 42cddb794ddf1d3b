"""A statement's text as a reader sees it: the whole sentence, without page-header debris.

The indexer cuts sentences; a cut after an abbreviation ("P.L. 118-50), which ...") or a
page break inside a sentence leaves a fragment. Shown in a brief or the ledger, a statement
is widened to the sentence around it within its passage, and a printed-page timestamp
("12/3/24, 10:15 AM") at its start is dropped.
"""
from __future__ import annotations

import re

MAX_WIDENING = 600          # characters a statement may grow by on either side
_CAPITAL = "A-ZА-ЯІЇЄҐ"
# A sentence boundary: end punctuation, closing quotes/brackets, space, then a capital or digit.
_BOUNDARY = re.compile(rf"[.!?][\"'”’»)\]]*\s+(?=[\"“«(]?[{_CAPITAL}0-9])")
_END = re.compile(r"[.!?][\"'”’»)\]]*(?=\s|$)")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.){1,3}$|\b(?:no|nos|art|para|vol|pp?|mr|mrs|ms|dr|"
                           r"st|gen|col|lt|maj|capt|sec|ch|fig|approx|etc|e\.g|i\.e|vs|cf|"
                           r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.$", re.IGNORECASE)
_TIMESTAMP = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?\s*"
                        r"(?:[AaPp]\.?\s?[Mm]\.?)?\s+")
_WHOLE_END = re.compile(r"[.!?;:…][\"'”’»)\]]*\s*$")


def statement_text(passage: str, start: int, end: int, fallback: str) -> str:
    """Return the statement at [start, end) of `passage` as a whole sentence, one line."""
    if not (0 <= start < end <= len(passage)):
        return _tidy(fallback)
    before = passage[max(0, start - 12):start].rstrip()
    if _is_fragment_start(passage[start:end]) or (before and _ABBREVIATION.search(before)):
        start = _sentence_start(passage, start)
    if not _WHOLE_END.search(passage[start:end]):
        end = _sentence_end(passage, end)
    return _tidy(passage[start:end])


def _tidy(text: str) -> str:
    return _TIMESTAMP.sub("", " ".join(text.split()), count=1)


def _is_fragment_start(text: str) -> bool:
    """Return True when `text` cannot open a sentence: lowercase, a comma, or a bracket it
    closes without opening ("118-50), which ...")."""
    head = text.lstrip()
    if not head:
        return False
    if head[0].islower() or head[0] in ",;:)]»”":
        return True
    close = re.search(r"[)\]]", head[:40])
    return bool(close) and "(" not in head[:close.start()] and "[" not in head[:close.start()]


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    return not _ABBREVIATION.search(text[max(0, m.start() - 12):m.start() + 1])


def _sentence_start(text: str, start: int) -> int:
    """Return where the sentence holding offset `start` begins (a true boundary before it)."""
    low = max(0, start - MAX_WIDENING)
    best = low if low == 0 else start
    for m in _BOUNDARY.finditer(text, low, start):
        if m.end() <= start and _is_boundary(text, m):
            best = m.end()
    return best


def _sentence_end(text: str, end: int) -> int:
    """Return where the sentence running through offset `end` ends (a true boundary after it)."""
    high = min(len(text), end + MAX_WIDENING)
    for m in _END.finditer(text, end, high):
        if _is_boundary(text, m):
            return m.end()
    return end
