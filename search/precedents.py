"""The precedent finder: earlier passages like a pasted paragraph and/or matching a query.

A pasted paragraph becomes a more-like-this query: its most distinctive terms (tf-idf
against the index) ORed, each boosted by its weight. A keyword query is parsed like a
search query. Both are ORed, so passages matching either rank, those matching both first.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.analysis import STOP_WORDS, terms
from indexer.records import Marking
from search.citations import (StoredPassage, allowed_passages, passage_citation,
                              stored_passage, strongest, type_mask)
from search.doctable import DocTable
from search.errors import QueryError
from search.highlight import fragments, to_html
from search.parser import parse_query
from search.requests import PrecedentRequest
from search.results import Fragment

PARAGRAPH_TERMS = 25
TITLE_WEIGHT = 1.0                  # a term of the document title counts as much as one in the text
# Words common in any draft that say nothing about its topic (normalized like index terms).
_MLT_STOP = frozenset(t.text for t in terms(
    "after before such need needs want wants also more most other some any all each every only "
    "well can could would should may might must make made like very much many just still "
    "agenda draft paragraph point points note notes"))
API_FIELDS = ("passage_id", "id", "path", "title", "date", "type", "text", "html", "section",
              "page", "kind", "actor", "score")


@dataclass(frozen=True, slots=True)
class PrecedentHit:
    """One earlier passage, with its document, strongest statement and citation."""

    passage_id: str
    id: str
    path: str
    title: str
    date: str | None
    type: str
    text: str
    html: str
    section: str
    page: int | None
    kind: str | None
    actor: str | None
    score: float
    marking: str
    url: str
    citation: str
    fragments: tuple[Fragment, ...]


@dataclass(frozen=True, slots=True)
class PrecedentResults:
    """The passages found, ranked or in date order, and the terms the paragraph gave."""

    total: int
    hits: tuple[PrecedentHit, ...]
    view: str
    terms: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the /api/precedents JSON shape."""
        return {"total": self.total,
                "hits": [{k: v for k, v in asdict(h).items() if k in API_FIELDS} for h in self.hits]}


def find_precedents(searcher: Searcher, table: DocTable, req: PrecedentRequest,
                    clearance: Marking) -> PrecedentResults:
    """Return the passages visible at `clearance` most like the request; raise QueryError if empty."""
    if req.is_empty:
        raise QueryError("give a topic (q) or paste a paragraph (text) to find precedents for")
    visible = table.visible(clearance)
    weighted = paragraph_terms(req.text, searcher, table, visible) if req.text else []
    parsed = parse_query(req.q) if req.q else None
    parts = [q for q in (_like_query(weighted), parsed.query if parsed else None) if q is not None]
    if not parts:
        raise QueryError("the paragraph and query have no words found in the documents")
    docs = (visible & table.in_dates(req.date_from, req.date_to)
            & type_mask(table, req.type))
    allowed = allowed_passages(table, docs)
    if not allowed:                 # Whoosh reads an empty filter as "no filter": never pass one
        return PrecedentResults(0, (), req.view, tuple(t for t, _ in weighted))
    results = searcher.search(_filtered(wq.Or(parts), req), limit=req.limit, filter=allowed)
    wanted = {t for t, _ in weighted} | (parsed.highlight if parsed else set())
    hits = [_hit(stored_passage(searcher, table, h.docnum), h.score, wanted) for h in results]
    if req.view == "timeline":
        hits.sort(key=lambda h: (h.date or "9999", h.id, h.passage_id))
    return PrecedentResults(len(results), tuple(hits), req.view, tuple(t for t, _ in weighted))


def paragraph_terms(text: str, searcher: Searcher, table: DocTable, visible: np.ndarray,
                    top: int = PARAGRAPH_TERMS) -> list[tuple[str, float]]:
    """Return the paragraph's most distinctive index terms with tf-idf weights, best first.

    Frequencies count the passages (and records) of the `visible` documents only, so a
    word only hidden documents hold is no term and changes no weight (nor the 400 "no
    words found"): the answer is that of an index of the visible documents.
    """
    tf = Counter(t.text for t in terms(text)
                 if t.text not in STOP_WORDS and t.text not in _MLT_STOP and len(t.text) > 2
                 and not t.text.isdigit())
    n, df_of = _passage_frequencies(searcher, table, visible)
    scored = []
    for term, count in tf.items():
        df = df_of(term)
        if df:
            scored.append(((1 + math.log(count)) * math.log(1 + max(1, n) / df), term))
    best = sorted(scored, reverse=True)[:top]
    return [(term, weight) for weight, term in best]


def _passage_frequencies(searcher: Searcher, table: DocTable, visible: np.ndarray):
    """Return (record count, term -> passage frequency) over the visible documents."""
    if visible.all():                       # the index's own statistics: cheap
        return searcher.doc_count(), lambda term: searcher.doc_frequency(f.TEXT_FIELD, term)
    seen = table.visible_passages(visible)
    reader = searcher.reader()

    def df(term: str) -> int:
        return int(seen[table.raw_postings(reader, f.TEXT_FIELD, term)[0]].sum())
    return int(seen.sum()) + int(visible.sum()), df


def _like_query(weighted: list[tuple[str, float]]) -> wq.Query | None:
    """Return the more-like-this query of weighted terms (text and title), or None."""
    if not weighted:
        return None
    top = weighted[0][1]
    return wq.Or([wq.Term(field, term, boost=weight / top * scale)
                  for term, weight in weighted
                  for field, scale in ((f.TEXT_FIELD, 1.0), (f.TITLE, TITLE_WEIGHT))])


def _filtered(q: wq.Query, req: PrecedentRequest) -> wq.Query:
    """Return `q` on passages only, restricted to the passage-level tag and kind filters."""
    parts = [wq.Term(f.KIND, f.KIND_PASSAGE), q]
    for field, values in ((f.LOE, req.loe), (f.PRINCIPLE, req.principle),
                          (f.STATEMENT_KIND, req.kind)):
        if values:
            parts.append(wq.Or([wq.Term(field, v) for v in values]))
    return wq.And(parts)


def _hit(p: StoredPassage, score: float, wanted: set[str]) -> PrecedentHit:
    frags = fragments(p.text, wanted)
    best = strongest(p.statements)
    cite = passage_citation(p)
    return PrecedentHit(
        passage_id=p.passage_id, id=p.doc.doc_id, path=p.doc.path, title=cite.title,
        date=p.doc.meta.date, type=p.doc.doc_type, text=p.text, html=to_html(frags),
        section=p.section, page=p.page, kind=best.kind if best else None,
        actor=best.actor if best else None, score=round(float(score), 3),
        marking=p.doc.meta.marking.name, url=cite.url, citation=cite.text, fragments=frags)
