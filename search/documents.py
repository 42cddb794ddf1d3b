"""The document page: passages, extractive summary, tag evidence and similar documents."""
from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.analysis import STOP_WORDS, terms
from indexer.furniture import is_byline, is_furniture
from indexer.records import (Evidence, IndexedDocument, Statement, TagHit,
                             decode_statements, decode_tags)
from indexer.sentences import sentence_spans
from search.doctable import DocTable
from search.scoring import DocScorer

SUMMARY_SENTENCES = 4
SIMILAR_DOCS = 5
_BOILERPLATE = re.compile(
    r"official website|cookie|skip to|subscribe|sign up|share this|all rights reserved|"
    r"privacy policy|javascript|follow us|fictional sample|вигаданий зразок|click here|"
    r"\.gov means|secure \.gov|https?://|©|newsletter|back to top",
    re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TextPiece:
    """A run of passage text; evidence runs are marked, and the first part of one has an id."""

    text: str
    is_mark: bool = False
    mark_id: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceLink:
    """One evidence sentence of a document tag and where it is highlighted on the page."""

    text: str
    cue: str
    passage_id: str
    anchor: str                        # a <mark> id, else the passage anchor, else ""
    is_located: bool                   # True when the sentence was found in its passage


@dataclass(frozen=True, slots=True)
class TagEvidence:
    """A document tag with links to its evidence sentences."""

    tag: str
    group: str
    score: float
    evidence: tuple[EvidenceLink, ...]


@dataclass(frozen=True, slots=True)
class PassageView:
    """One passage of a document page, with its tags and statements."""

    id: str
    n: int
    anchor: str
    text: str
    section: str
    page: int | None
    loe: tuple[str, ...]
    principle: tuple[str, ...]
    tags: tuple[TagHit, ...]
    statements: tuple[Statement, ...]
    doc_id: str = ""
    paragraphs: tuple[tuple[TextPiece, ...], ...] = ()   # set by mark_evidence

    def tag(self, group: str, tag_id: str) -> TagHit | None:
        """Return this passage's hit for one tag, or None."""
        return next((t for t in self.tags if t.group == group and t.tag == tag_id), None)


@dataclass(frozen=True, slots=True)
class SimilarDocument:
    """A document like this one, ranked by shared distinctive terms."""

    id: str
    title: str
    date: str | None
    type: str
    score: float


@dataclass(frozen=True, slots=True)
class DocumentView:
    """Everything the document page and /api/documents/<id> show."""

    doc: IndexedDocument
    passages: tuple[PassageView, ...]
    summary: tuple[str, ...]
    similar: tuple[SimilarDocument, ...]

    @property
    def date_label(self) -> str:
        """The date as the page shows it, saying where it came from: "4 September 2014
        (from the text)", or "unknown"."""
        return date_label(self.doc.meta.date, self.doc.meta.date_source)

    @property
    def marked(self) -> MarkedDocument:
        """Return the tags with evidence links and the passages with evidence marked."""
        return mark_evidence(self.doc, self.passages)


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_DATE_SOURCES = {"front-matter": "stated in the document's metadata", "text": "from the text",
                 "file-metadata": "from the file's metadata"}


def date_label(date: str | None, source: str) -> str:
    """Return an ISO date ("2014-09-04", "2014-09", "2014") written out, with its source."""
    if not date:
        return "unknown"
    parts = date.split("-")
    try:
        month = _MONTH_NAMES[int(parts[1]) - 1] if len(parts) > 1 else ""
        words = " ".join(x for x in (str(int(parts[2])) if len(parts) > 2 else "", month,
                                     parts[0]) if x)
    except (ValueError, IndexError):
        words = date
    where = _DATE_SOURCES.get(source)
    return f"{words} ({where})" if where else words


@dataclass(frozen=True, slots=True)
class MarkedDocument:
    """A document's passages split into paragraphs with evidence sentences marked."""

    tags: tuple[TagEvidence, ...]
    passages: tuple[PassageView, ...]


def mark_evidence(doc: IndexedDocument, passages: tuple[PassageView, ...]) -> MarkedDocument:
    """Return the document's tags linked to <mark> ids, and its passages marked to match.

    An evidence sentence is located by its stored offsets, else by searching the passage;
    overlapping sentences (of several tags) share one merged mark.
    """
    by_id = {p.id: p for p in passages}
    located: dict[str, list[tuple[int, int]]] = {}
    spans = {}
    for t in doc.tags:
        for e in t.evidence:
            span = _locate(by_id.get(e.passage_id), e)
            spans[(t.tag, e)] = span
            if span is not None:
                located.setdefault(e.passage_id, []).append(span)
    merged = {pid: _merge(s) for pid, s in located.items()}
    tags = tuple(TagEvidence(t.tag, t.group, t.score, tuple(
        _link(e, by_id.get(e.passage_id), spans[(t.tag, e)], merged.get(e.passage_id, []))
        for e in t.evidence)) for t in doc.tags)
    marked = tuple(dataclasses.replace(p, paragraphs=_paragraphs(p, merged.get(p.id, [])))
                   for p in passages)
    return MarkedDocument(tags, marked)


def _locate(p: PassageView | None, e: Evidence) -> tuple[int, int] | None:
    """Return the span of evidence `e` in passage `p`, or None if it is not there."""
    if p is None or not e.text:
        return None
    if p.text[e.start:e.end] == e.text:
        return e.start, e.end
    at = p.text.find(e.text)
    return (at, at + len(e.text)) if at >= 0 else None


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the spans sorted, overlapping ones merged."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(set(spans)):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _mark_id(p: PassageView, index: int) -> str:
    return f"ev-{p.n}-{index + 1}"


def _link(e: Evidence, p: PassageView | None, span: tuple[int, int] | None,
          merged: list[tuple[int, int]]) -> EvidenceLink:
    """Return the link of one evidence sentence: to its mark, else to its passage."""
    if p is None:
        return EvidenceLink(e.text, e.cue, e.passage_id, "", False)
    if span is None:
        return EvidenceLink(e.text, e.cue, e.passage_id, p.anchor, False)
    index = next(i for i, (s, end) in enumerate(merged) if s <= span[0] and span[1] <= end)
    return EvidenceLink(e.text, e.cue, e.passage_id, _mark_id(p, index), True)


def _paragraphs(p: PassageView,
                marks: list[tuple[int, int]]) -> tuple[tuple[TextPiece, ...], ...]:
    """Return the passage text as paragraphs (split at blank lines) of plain and marked runs."""
    pieces, pos = [], 0
    for i, (s, e) in enumerate(marks):
        pieces += [TextPiece(p.text[pos:s]), TextPiece(p.text[s:e], True, _mark_id(p, i))]
        pos = e
    pieces.append(TextPiece(p.text[pos:]))
    paragraphs: list[list[TextPiece]] = [[]]
    for piece in pieces:
        for k, part in enumerate(piece.text.split("\n\n")):
            if k:
                paragraphs.append([])
            if part:
                paragraphs[-1].append(TextPiece(part, piece.is_mark,
                                                piece.mark_id if k == 0 else ""))
    return tuple(tuple(par) for par in paragraphs if any(x.text.strip() for x in par))


def load_passages(searcher: Searcher, doc_id: str) -> tuple[PassageView, ...]:
    """Return a document's passages in reading order."""
    stored = searcher.documents(**{f.DOC_ID: doc_id})    # one short posting list; the
    views = [_passage_view(s) for s in stored if f.BODY in s]   # record without BODY is the doc
    return tuple(sorted(views, key=lambda p: p.n))


def _passage_view(s: dict) -> PassageView:
    text = s.get(f.BODY, "")
    tags = decode_tags(s.get(f.TAGS_JSON), text)
    n = s.get(f.N, 0)
    return PassageView(id=s[f.PASSAGE_ID], n=n, anchor=f"p-{n}", text=text,
                       section=s.get(f.SECTION_NAME, ""), page=s.get(f.PAGE),
                       loe=tuple(t.tag for t in tags if t.group == "loe"),
                       principle=tuple(t.tag for t in tags if t.group == "principle"),
                       tags=tags, statements=decode_statements(s.get(f.STATEMENTS_JSON), text),
                       doc_id=s.get(f.DOC_ID, ""))


def summarize(passages: tuple[PassageView, ...], title: str = "",
              limit: int = SUMMARY_SENTENCES) -> tuple[str, ...]:
    """Return up to `limit` sentences that carry the document's content, in document order.

    Sentences are scored by how many of the document's frequent content terms they hold,
    with a bonus for early position; boilerplate, very short and very long ones are skipped.
    A document without such sentences (a treaty's clauses end in ";", a decree is one long
    paragraph) is summarized by its clause-like sentences, clipped, else by its first lines;
    site furniture never opens a summary.
    """
    sentences = _sentences(passages)
    candidates = [(i, s) for i, s in enumerate(sentences) if _is_summary_worthy(s)]
    if not candidates:
        seen = {" ".join(title.lower().split())}
        for i, s in enumerate(sentences):
            key = " ".join(s.lower().split())
            if key not in seen and _is_clause_worthy(s):
                candidates.append((i, _clip_words(s)))
            seen.add(key)
    if not candidates:
        return _first_lines(sentences, limit)
    freq = Counter(t for _, s in candidates for t in _content_terms(s))
    title_terms = set(_content_terms(title))
    scored = []
    for i, s in candidates:
        ts = set(_content_terms(s))
        centrality = sum(math.log1p(freq[t]) for t in ts) / math.sqrt(len(ts) + 1)
        bonus = 1.0 + 0.5 * len(ts & title_terms) / (len(title_terms) + 1) + 0.6 / (1 + i / 3)
        scored.append((centrality * bonus, i, s))
    best = sorted(scored, reverse=True)[:limit]
    return tuple(s for _, _, s in sorted(best, key=lambda x: x[1]))


def _sentences(passages: tuple[PassageView, ...]) -> list[str]:
    return [s for p in passages for s in text_sentences(p.text)]


def text_sentences(text: str) -> list[str]:
    """Return the sentences of a passage text, whitespace collapsed.

    Blocks (split at blank lines) are split separately, so a heading or a dateline without
    a full stop never glues itself onto the sentence after it.
    """
    return [" ".join(block[a:b].split()) for block in text.split("\n\n")
            for a, b in sentence_spans(block)]


def is_summary_worthy(sentence: str) -> bool:
    """Return True for a content sentence: not boilerplate, not a fragment, not a list item."""
    return _is_summary_worthy(sentence)


def content_terms(text: str) -> list[str]:
    """Return the normalized content words of `text` (stop words and numbers dropped)."""
    return _content_terms(text)


def passage_view(stored: dict) -> PassageView:
    """Return the PassageView of one passage record's stored fields."""
    return _passage_view(stored)


def _is_summary_worthy(sentence: str) -> bool:
    words = sentence.split()
    return (8 <= len(words) <= 60 and not _BOILERPLATE.search(sentence)
            and sentence[-1:] in ".!?»”\"" and not sentence.startswith(("•", "-", "|"))
            and not _is_title_case(words) and not _starts_lowercase(sentence)
            and not is_furniture(sentence) and not is_byline(sentence))


_CLAUSE_WORDS = 40                  # a clause-like sentence is clipped to this many words


def _is_clause_worthy(sentence: str) -> bool:
    """True for a content clause ("Affirming that ...;"): long enough, not a label or furniture."""
    words = sentence.split()
    return (len(words) >= 8 and not _BOILERPLATE.search(sentence[:400])
            and not sentence.startswith("|") and not _is_title_case(words[:_CLAUSE_WORDS])
            and not is_furniture(sentence) and not is_byline(sentence))


def _clip_words(sentence: str, limit: int = _CLAUSE_WORDS) -> str:
    """Return the sentence cut to `limit` words ("…" marks the cut), bullets dropped."""
    words = sentence.lstrip("•-–— ").split()
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + " …"


def _first_lines(sentences: list[str], limit: int) -> tuple[str, ...]:
    """Return the document's first lines that are not furniture (the last resort), clipped."""
    lines = [_clip_words(s) for s in sentences if s.strip() and not is_furniture(s)
             and not _BOILERPLATE.search(s[:400])]
    return tuple(lines[:limit]) or tuple(_clip_words(s) for s in sentences[:1] if s.strip())


def _starts_lowercase(sentence: str) -> bool:
    """True for a fragment cut from a longer sentence (its first letter is lowercase)."""
    first = next((ch for ch in sentence if ch.isalpha()), "")
    return first.islower()


def _is_title_case(words: list[str]) -> bool:
    """True for a byline, heading or menu: most of its longer words are capitalized."""
    long = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(long) and sum(w[0].isupper() for w in long) / len(long) > 0.7


def _content_terms(text: str) -> list[str]:
    return [t.text for t in terms(text) if t.text not in STOP_WORDS and len(t.text) > 2
            and not t.text.isdigit()]


def key_terms(passages: tuple[PassageView, ...], scorer: DocScorer, top: int = 20) -> list[str]:
    """Return the document's most distinctive terms by tf-idf over the documents the
    scorer's viewer may see (hidden documents change nothing)."""
    tf = Counter(t for p in passages for t in _content_terms(p.text))
    n = max(1, scorer.n_visible)
    scored = []
    for term, count in tf.items():
        df = scorer.doc_frequency(f.DOC_TEXT, term)
        if df:
            scored.append((count * math.log(n / df), term))
    return [t for _, t in sorted(scored, reverse=True)[:top]]


def similar_documents(searcher: Searcher, table: DocTable, doc: IndexedDocument,
                      passages: tuple[PassageView, ...], visible,
                      limit: int = SIMILAR_DOCS) -> tuple[SimilarDocument, ...]:
    """Return the visible documents sharing most of this one's distinctive terms.

    The terms are scored over whole documents (BM25 on the document records), not passages.
    """
    scorer = DocScorer(searcher, table, visible=visible)
    words = key_terms(passages, scorer)
    if not words:
        return ()
    scores = scorer.evaluate(
        wq.Or([wq.Term(f.TEXT_FIELD, w) for w in words])).score.copy()
    scores[table.ordinal[doc.doc_id]] = 0.0
    scores[~visible] = 0.0
    top = [int(o) for o in np.argsort(-scores, kind="stable")[:limit] if scores[o] > 0]
    ranked = [(o, float(scores[o])) for o in top]
    return tuple(SimilarDocument(table.docs[o].doc_id, table.docs[o].meta.title,
                                 table.docs[o].meta.date, table.docs[o].doc_type, round(s, 2))
                 for o, s in ranked)
