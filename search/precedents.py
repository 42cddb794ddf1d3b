"""The precedent finder: earlier passages like a pasted paragraph and/or matching a query.

A pasted paragraph becomes a more-like-this query: its most distinctive terms (tf-idf
against the index) ORed, each boosted by its weight, plus the taxonomy's equivalents and
acronyms of phrases it holds (so a Ukrainian paragraph finds English documents). A keyword
query is parsed like a search query, with the same expansions. Both are ORed, so passages
matching either rank, those matching both first. Every matching passage is ranked; each
document is one entry (its best passage, and how many more match), paged.
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
from indexer.analysis import STOP_WORDS, normalize_word, terms
from indexer.records import Marking, Taxonomy
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
              "page", "kind", "actor", "score", "more", "citation")
BRIDGE_BOOST = 0.6                  # an equivalent of a paragraph's phrase, relative to its best term
_STOP_TERMS = frozenset(STOP_WORDS | {normalize_word(w) for w in STOP_WORDS})


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
    more: int = 0                     # other matching passages of the same document


@dataclass(frozen=True, slots=True)
class PrecedentResults:
    """One page of documents (best passage each), ranked or in date order over all of
    them, and the paragraph's distinctive words as the user wrote them."""

    total: int                        # documents with a matching passage
    hits: tuple[PrecedentHit, ...]
    view: str
    terms: tuple[str, ...]
    passages: int = 0                 # matching passages in all
    page: int = 1
    pages: int = 1

    def to_json(self, base_url: str = "") -> dict[str, Any]:
        """Return the /api/precedents JSON shape; citations' links made absolute."""
        hits = []
        for h in self.hits:
            row = {k: v for k, v in asdict(h).items() if k in API_FIELDS}
            row["citation"] = absolute_citation(h.citation, base_url)
            hits.append(row)
        return {"total": self.total, "passages": self.passages, "page": self.page,
                "pages": self.pages, "hits": hits}


def absolute_citation(citation: str, base_url: str) -> str:
    """Return a citation "label </documents/...>" with its link made absolute."""
    return citation.replace(" </", f" <{base_url}/", 1) if base_url else citation


def find_precedents(searcher: Searcher, table: DocTable, req: PrecedentRequest,
                    clearance: Marking, taxonomy: Taxonomy | None = None) -> PrecedentResults:
    """Return the passages visible at `clearance` most like the request; raise QueryError if empty."""
    if req.is_empty:
        raise QueryError("give a topic (q) or paste a paragraph (text) to find precedents for")
    visible = table.visible(clearance)
    weighted = paragraph_terms(req.text, searcher, table, visible) if req.text else []
    acronyms = {a.short: a.long for a in taxonomy.acronyms} if taxonomy else {}
    groups = taxonomy.equivalents if taxonomy else ()
    parsed = parse_query(req.q, acronyms=acronyms, equivalents=groups) if req.q else None
    bridges = _bridges(req.text, groups, acronyms) if req.text else []
    like = _like_query(weighted, bridges)
    parts = [q for q in (like, parsed.query if parsed else None) if q is not None]
    shown = tuple(surface_words(req.text, [t for t, _ in weighted]))
    if not parts:
        raise QueryError("the paragraph and query have no words found in the documents")
    docs = (visible & table.in_dates(req.date_from, req.date_to)
            & type_mask(table, req.type))
    allowed = allowed_passages(table, docs)
    if not allowed:                 # Whoosh reads an empty filter as "no filter": never pass one
        return PrecedentResults(0, (), req.view, shown)
    results = searcher.search(_filtered(wq.Or(parts), req), limit=None, filter=allowed)
    wanted = ({t for t, _ in weighted} | (parsed.highlight if parsed else set())
              | {t for q in bridges for t in _query_terms(q)})
    best: dict[int, tuple[int, float]] = {}      # document ordinal -> (best docnum, score)
    count: Counter[int] = Counter()
    for h in results:
        owner = int(table.passage_doc[h.docnum])
        best.setdefault(owner, (h.docnum, h.score))
        count[owner] += 1
    entries = list(best.items())                  # best document first
    if req.view == "timeline":
        entries.sort(key=lambda e: (table.docs[e[0]].meta.date or "9999", table.docs[e[0]].doc_id))
    first = (req.page - 1) * req.limit
    hits = [_hit(stored_passage(searcher, table, n), score, wanted, count[o] - 1)
            for o, (n, score) in entries[first:first + req.limit]]
    return PrecedentResults(len(entries), tuple(hits), req.view, shown, passages=len(results),
                            page=req.page, pages=max(1, math.ceil(len(entries) / req.limit)))


def surface_words(text: str, stems: list[str]) -> list[str]:
    """Return, for each index term in `stems`, the word of `text` it came from (first seen)."""
    first: dict[str, str] = {}
    for t in terms(text):
        first.setdefault(t.text, text[t.start:t.end].lower())
    return [first.get(s, s) for s in stems]


def _content_key(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in terms(text) if t.text not in _STOP_TERMS)


def _bridges(text: str, groups, acronyms: dict[str, str]) -> list[wq.Query]:
    """Return phrase queries for the equivalents and acronyms of phrases found in `text`.

    A phrase of an equivalents group (any language) or an acronym's long form that occurs in
    the paragraph brings the group's other phrases (or the acronym, and back)."""
    seq = _content_key(text)
    joined = " " + " ".join(seq) + " "
    found: list[str] = []
    for group in groups:
        keys = [_content_key(p) for p in group]
        if any(k and f" {' '.join(k)} " in joined for k in keys):
            found += [p for p, k in zip(group, keys) if k and f" {' '.join(k)} " not in joined]
    for short, long in acronyms.items():
        key = _content_key(long)
        has_long = bool(key) and f" {' '.join(key)} " in joined
        has_short = f" {normalize_word(short.lower())} " in joined
        if has_long and not has_short:
            found.append(short)
        elif has_short and not has_long:
            found.append(long)
    queries = [_phrase(p) for p in dict.fromkeys(found)]
    return [q for q in queries if q is not None]


def _phrase(text: str) -> wq.Query | None:
    ts = [t.text for t in terms(text)]
    if not ts:
        return None
    return wq.Term(f.TEXT_FIELD, ts[0]) if len(ts) == 1 else wq.Phrase(f.TEXT_FIELD, ts)


def _query_terms(q: wq.Query) -> list[str]:
    return [q.text] if isinstance(q, wq.Term) else list(getattr(q, "words", []))


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


def _like_query(weighted: list[tuple[str, float]],
                bridges: list[wq.Query] = ()) -> wq.Query | None:
    """Return the more-like-this query of weighted terms (text and title) and the bridging
    phrases, or None."""
    if not weighted and not bridges:
        return None
    top = weighted[0][1] if weighted else 1.0
    subs = [wq.Term(field, term, boost=weight / top * scale)
            for term, weight in weighted
            for field, scale in ((f.TEXT_FIELD, 1.0), (f.TITLE, TITLE_WEIGHT))]
    for q in bridges:
        q.boost = BRIDGE_BOOST
        subs.append(q)
    return wq.Or(subs)


def _filtered(q: wq.Query, req: PrecedentRequest) -> wq.Query:
    """Return `q` on passages only, restricted to the passage-level tag and kind filters."""
    parts = [wq.Term(f.KIND, f.KIND_PASSAGE), q]
    for field, values in ((f.LOE, req.loe), (f.PRINCIPLE, req.principle),
                          (f.STATEMENT_KIND, req.kind)):
        if values:
            parts.append(wq.Or([wq.Term(field, v) for v in values]))
    return wq.And(parts)


def _hit(p: StoredPassage, score: float, wanted: set[str], more: int = 0) -> PrecedentHit:
    frags = fragments(p.text, wanted)
    best = strongest(p.statements)
    cite = passage_citation(p)
    return PrecedentHit(
        passage_id=p.passage_id, id=p.doc.doc_id, path=p.doc.path, title=cite.title,
        date=p.doc.meta.date, type=p.doc.doc_type, text=p.text, html=to_html(frags),
        section=p.section, page=p.page, kind=best.kind if best else None,
        actor=best.actor if best else None, score=round(float(score), 3),
        marking=p.doc.meta.marking.name, url=cite.url, citation=cite.text, fragments=frags,
        more=more)
