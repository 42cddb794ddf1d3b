"""Split a document's blocks into passages of roughly 40-250 words."""
from __future__ import annotations

from dataclasses import dataclass, field

from indexer.records import Passage, SourceDocument
from indexer.sentences import sentence_spans

MIN_WORDS = 40
MAX_WORDS = 250


@dataclass
class _Draft:
    """A passage being assembled: its paragraphs, section and page."""

    section: str
    page: int | None
    parts: list[str] = field(default_factory=list)
    words: int = 0


def split_passages(doc: SourceDocument) -> list[Passage]:
    """Return the passages of `doc` in reading order, ids "<doc_id>#<n>" counted from 1.

    Paragraphs inside one section are joined until a passage has at least MIN_WORDS;
    a paragraph longer than MAX_WORDS is cut at sentence boundaries. A passage never
    spans two sections.
    """
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for block in doc.blocks:
        if block.is_heading:
            current = _flush(drafts, current)
            continue
        for piece in _pieces(block.text):
            n = len(piece.split())
            if current and (current.section != block.section or current.words + n > MAX_WORDS
                            or current.words >= MIN_WORDS):
                current = _flush(drafts, current)
            if current is None:
                current = _Draft(block.section, block.page)
            current.parts.append(piece)
            current.words += n
    _flush(drafts, current)
    return [Passage(passage_id=f"{doc.doc_id}#{i}", doc_id=doc.doc_id, n=i,
                    text="\n\n".join(d.parts), section=d.section, page=d.page)
            for i, d in enumerate(_merge_short_tail(drafts), start=1)]


def _flush(drafts: list[_Draft], current: _Draft | None) -> None:
    """Append `current` to `drafts` if it holds text; return None (the new current)."""
    if current and current.parts:
        drafts.append(current)
    return None


def _merge_short_tail(drafts: list[_Draft]) -> list[_Draft]:
    """Return drafts with a too-short passage folded into its predecessor in the same section."""
    out: list[_Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        if (prev and d.words < MIN_WORDS // 2 and prev.section == d.section
                and prev.words + d.words <= MAX_WORDS):
            prev.parts.extend(d.parts)
            prev.words += d.words
        else:
            out.append(d)
    return out


def _pieces(text: str) -> list[str]:
    """Return `text` cut at sentence boundaries into pieces of at most MAX_WORDS words."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    pieces: list[str] = []
    start = count = 0
    last_end = 0
    for s, e in sentence_spans(text):
        n = len(text[s:e].split())
        if count and count + n > MAX_WORDS:
            pieces.append(text[start:last_end].strip())
            start, count = s, 0
        count += n
        last_end = e
    pieces.append(text[start:].strip())
    return [q for p in pieces if p for q in _hard_cut_list(p)]


def _hard_cut_list(text: str) -> list[str]:
    """Return `text` cut every MAX_WORDS words (for run-on text with no sentence ends)."""
    tokens = text.split()
    if len(tokens) <= MAX_WORDS:
        return [text]
    return [" ".join(tokens[i:i + MAX_WORDS]) for i in range(0, len(tokens), MAX_WORDS)]

