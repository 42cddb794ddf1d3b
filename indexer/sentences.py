"""Sentence boundaries for English and Ukrainian prose."""
from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket), then
# whitespace, then something that can start a sentence (capital, digit, quote, bullet).
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’»)\]]*\s+(?=[\"'“«(\[]?[A-ZА-ЯІЇЄҐ0-9•\-–])")
# A list number or letter alone ("2.", "IV.", "(b).", "3.1.") starts the item after it.
_ENUMERATOR = re.compile(r"\s*(?:\(?\d{1,3}(?:\.\d{1,3})*|\(?[IVXivx]{1,5}|\(?[a-zа-я])[.)]\s*")
_ABBREVIATIONS = frozenset(
    "u.s mr mrs ms dr gen lt col maj capt sgt adm st no nos vol e.g i.e etc vs jan feb mar "
    "apr jun jul aug sep sept oct nov dec fig art para p pp ст п р рр м млн млрд тис див".split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences in `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if _ends_with_abbreviation(text, m.start()) or _ENUMERATOR.fullmatch(text, start, m.start()):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def split_sentences(text: str) -> list[str]:
    """Return the sentences of `text`."""
    return [text[s:e] for s, e in sentence_spans(text)]


def _ends_with_abbreviation(text: str, end: int) -> bool:
    """Return True when the period before `end` closes an abbreviation, not a sentence."""
    head = text[max(0, end - 12):end].rstrip("\"'”’»)]")
    if not head.endswith("."):
        return False
    word = re.split(r"[\s(]", head[:-1])[-1].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the span shrunk to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
