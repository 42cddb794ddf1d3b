"""The document page: passages, extractive summary, tag evidence and similar documents."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.analysis import STOP_WORDS, terms
from indexer.records import (IndexedDocument, Statement, TagHit, decode_statements,
                             decode_tags)
from indexer.sentences import sentence_spans
from search.doctable import DocTable

SUMMARY_SENTENCES = 4
SIMILAR_DOCS = 5
_BOILERPLATE = re.compile(
    r"official website|cookie|skip to|subscribe|sign up|share this|all rights reserved|"
    r"privacy policy|javascript|follow us|fictional sample|вигаданий зразок|click here|"
    r"\.gov means|secure \.gov|https?://|©|newsletter|back to top",
    re.IGNORECASE)


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


def load_passages(searcher: Searcher, doc_id: str) -> tuple[PassageView, ...]:
    """Return a document's passages in reading order."""
    stored = searcher.documents(**{f.DOC_ID: doc_id, f.KIND: f.KIND_PASSAGE})
    views = [_passage_view(s) for s in stored]
    return tuple(sorted(views, key=lambda p: p.n))


def _passage_view(s: dict) -> PassageView:
    tags = decode_tags(s.get(f.TAGS_JSON))
    n = s.get(f.N, 0)
    return PassageView(id=s[f.PASSAGE_ID], n=n, anchor=f"p-{n}", text=s.get(f.TEXT_FIELD, ""),
                       section=s.get(f.SECTION, ""), page=s.get(f.PAGE),
                       loe=tuple(t.tag for t in tags if t.group == "loe"),
                       principle=tuple(t.tag for t in tags if t.group == "principle"),
                       tags=tags, statements=decode_statements(s.get(f.STATEMENTS_JSON)))


def summarize(passages: tuple[PassageView, ...], title: str = "",
              limit: int = SUMMARY_SENTENCES) -> tuple[str, ...]:
    """Return up to `limit` sentences that carry the document's content, in document order.

    Sentences are scored by how many of the document's frequent content terms they hold,
    with a bonus for early position; boilerplate, very short and very long ones are skipped.
    """
    candidates = [(i, s) for i, s in enumerate(_sentences(passages)) if _is_summary_worthy(s)]
    if not candidates:
        return ()
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
    return [" ".join(p.text[a:b].split()) for p in passages for a, b in sentence_spans(p.text)]


def _is_summary_worthy(sentence: str) -> bool:
    words = sentence.split()
    return (8 <= len(words) <= 60 and not _BOILERPLATE.search(sentence)
            and sentence[-1:] in ".!?»”\"" and not sentence.startswith(("•", "-", "|")))


def _content_terms(text: str) -> list[str]:
    return [t.text for t in terms(text) if t.text not in STOP_WORDS and len(t.text) > 2
            and not t.text.isdigit()]


def key_terms(passages: tuple[PassageView, ...], searcher: Searcher, top: int = 20) -> list[str]:
    """Return the document's most distinctive terms by tf-idf over the passage index."""
    tf = Counter(t for p in passages for t in _content_terms(p.text))
    n = max(1, searcher.doc_count())
    scored = []
    for term, count in tf.items():
        df = searcher.doc_frequency(f.TEXT_FIELD, term)
        if df:
            scored.append((count * math.log(n / df), term))
    return [t for _, t in sorted(scored, reverse=True)[:top]]


def similar_documents(searcher: Searcher, table: DocTable, doc: IndexedDocument,
                      passages: tuple[PassageView, ...], visible,
                      limit: int = SIMILAR_DOCS) -> tuple[SimilarDocument, ...]:
    """Return the visible documents sharing most of this one's distinctive terms."""
    words = key_terms(passages, searcher)
    if not words:
        return ()
    q = wq.And([wq.Term(f.KIND, f.KIND_PASSAGE), wq.Or([wq.Term(f.TEXT_FIELD, w) for w in words])])
    own = table.ordinal[doc.doc_id]
    best: dict[int, float] = {}
    for hit in searcher.search(q, limit=300):
        o = int(table.passage_doc[hit.docnum])
        if o >= 0 and o != own and visible[o]:
            best[o] = best.get(o, 0.0) + hit.score
    ranked = sorted(best.items(), key=lambda x: -x[1])[:limit]
    return tuple(SimilarDocument(table.docs[o].doc_id, table.docs[o].meta.title,
                                 table.docs[o].meta.date, table.docs[o].doc_type, round(s, 2))
                 for o, s in ranked)
