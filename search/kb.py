"""KnowledgeBase: the one object the app holds; every read takes the viewer's clearance."""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.records import IndexedDocument, Marking, Taxonomy
from search import retrieval
from search.acronyms import GlossaryEntry, glossary
from search.doctable import DocTable
from search.engine import Engine
from search.documents import DocumentView, load_passages, similar_documents, summarize
from search.corrections import CorrectionStore
from search.errors import Hidden, NotFound, QueryError
from search.facets import apply_selections, chips, facet_counts, selection_masks
from search.highlight import fragments, to_html
from search.overview import (HomeOverview, ReadingList, TagPage, home_overview, reading_lists,
                             tag_page)
from search.parser import ParsedQuery, parse_query
from search.query import SearchRequest
from search.brief import Brief, build_brief
from search.ledger import Ledger, build_ledger
from search.precedents import PrecedentResults, find_precedents
from search.requests import BriefRequest, LedgerRequest, PrecedentRequest
from search.results import DocumentHit, Expansion, SearchResults, Snippet
from search.spelling import suggest

FEW_RESULTS = 3


@dataclass(frozen=True)
class _Match:
    """What a query matched: documents, passages (Whoosh docnums) and per-document weights."""

    parsed: ParsedQuery
    docs: np.ndarray
    docnums: np.ndarray
    weights: np.ndarray | None
    query: wq.Query | None = None          # the query ranking passages (default: parsed.query)
    expanded: tuple[Expansion, ...] = ()

    @property
    def rank_query(self) -> wq.Query:
        """Return the query that ranks passages."""
        return self.query if self.query is not None else self.parsed.query


class KnowledgeBase:
    """Answers typed requests from the index in `index_dir`, filtered by clearance."""

    def __init__(self, index_dir: Path, taxonomy: Taxonomy,
                 corrections: CorrectionStore | None = None) -> None:
        self.taxonomy = taxonomy
        self.engine = Engine(index_dir, corrections=corrections)

    def search(self, req: SearchRequest, clearance: Marking) -> SearchResults:
        """Return one page of documents visible at `clearance`; facets count the same set."""
        started = time.perf_counter()
        with self.engine.reading() as r:
            table, s = r.table, r.searcher
            base = table.visible(clearance) & table.in_dates(req.date_from, req.date_to)
            match = self._match(s, table, req, clearance, base)
            if match is not None:
                base &= match.docs
            facets = facet_counts(table, base, req, self.taxonomy)
            final = apply_selections(base, selection_masks(table, req))
            total = int(final.sum())
            hits = self._page(s, table, req, match, final)
            suggestion = None
            if total == 0 and match is not None:
                suggestion = suggest(s, table, r.vocabulary, req, match.parsed,
                                     table.visible(clearance))
        pages = max(1, math.ceil(total / req.per_page))
        return SearchResults(
            total=total, page=req.page, per_page=req.per_page, pages=pages, hits=tuple(hits),
            facets=facets, suggestion=suggestion,
            suggestion_query_string=req.with_text(suggestion).query_string() if suggestion else None,
            expanded=match.expanded if match else (), chips=chips(req, self.taxonomy),
            took_ms=round((time.perf_counter() - started) * 1000, 1), is_browse=match is None)

    def document(self, doc_id: str, clearance: Marking) -> DocumentView:
        """Return the document page data; raise NotFound if missing or above `clearance`."""
        with self.engine.reading() as r:
            doc = _visible_doc(r.table, doc_id, clearance)
            passages = load_passages(r.searcher, doc_id)
            similar = similar_documents(r.searcher, r.table, doc, passages,
                                        r.table.visible(clearance))
        return DocumentView(doc=doc, passages=passages, summary=summarize(passages, doc.meta.title),
                            similar=similar)

    def glossary(self, clearance: Marking) -> tuple[GlossaryEntry, ...]:
        """Return the acronym glossary visible at `clearance`."""
        with self.engine.reading() as r:
            return glossary(r.table, self.taxonomy, clearance)

    def _match(self, s: Searcher, table: DocTable, req: SearchRequest, clearance: Marking,
               base: np.ndarray) -> _Match | None:
        """Return what the query matches (None = browse: no query text)."""
        if not req.text.strip():
            return None
        acronyms = ({e.short: e.long for e in glossary(table, self.taxonomy, clearance)}
                    if req.expand else {})
        parsed = parse_query(req.text, self._validate_field, acronyms,
                             self.taxonomy.equivalents if req.expand else ())
        expanded = tuple(dict.fromkeys(Expansion(a, b) for a, b in parsed.expansions))
        if parsed.query is None:
            raise QueryError("the query has no words to search for; try different words")
        retrieval.check_cost(s, parsed.query)
        if parsed.is_simple and len(parsed.units) >= 2:
            match = self._match_units(s, table, parsed, parsed.units)
        else:
            docnums = retrieval.matching_passages(s, parsed.query)
            match = _Match(parsed, retrieval.documents_of(table, docnums), docnums, None)
        if (parsed.is_simple and len(parsed.word_units) >= 2
                and (match.docs & base).sum() < FEW_RESULTS):
            match = self._widen(s, table, match, parsed.word_units)
        return dataclasses.replace(match, expanded=expanded)

    def _match_units(self, s: Searcher, table: DocTable, parsed: ParsedQuery,
                     units: list) -> _Match:
        """Match word units per document: a document must hold every unit somewhere."""
        held = self._units_held(s, table, units)
        query = parsed.loosened()
        return _Match(parsed, held == 1.0, retrieval.matching_passages(s, query), held, query)

    def _widen(self, s: Searcher, table: DocTable, match: _Match, units: list) -> _Match:
        """Return `match` plus documents holding at least half of the typed words (ranked lower)."""
        held = self._units_held(s, table, units)
        query = wq.Or([match.rank_query, wq.Or(units)])
        weights = np.where(match.docs, 1.0, 0.5 * held)
        return _Match(match.parsed, match.docs | (held >= 0.5),
                      retrieval.matching_passages(s, query), weights, query)

    @staticmethod
    def _units_held(s: Searcher, table: DocTable, units: list) -> np.ndarray:
        """Return, per document, the share of `units` it holds in any passage."""
        masks = [retrieval.documents_of(table, retrieval.matching_passages(s, u)) for u in units]
        return np.mean(masks, axis=0)

    def _validate_field(self, alias: str, value: str) -> None:
        """Raise QueryError when a field:value names an unknown tag or type."""
        if alias in ("loe", "principle", "type"):
            known = {t.id for t in self.taxonomy.group(alias)}
            if value not in known:
                raise QueryError(f"unknown {alias} {value!r}: use one of {', '.join(sorted(known))}")

    def _page(self, s: Searcher, table: DocTable, req: SearchRequest, match: _Match | None,
              final: np.ndarray) -> list[DocumentHit]:
        """Return the hits of the requested page, each with highlighted snippets."""
        first = (req.page - 1) * req.per_page
        if match is not None and req.sort == "relevance":
            ranked = retrieval.ranked_documents(s, table, match.rank_query, match.docnums, final,
                                                first + req.per_page, match.weights)[first:]
            return [self._hit(s, table, o, score, ph, match.parsed) for o, score, ph in ranked]
        ordinals = _by_date(table, final, newest=req.sort != "oldest")[first:first + req.per_page]
        if match is None:
            return [self._hit(s, table, o, 0.0, [], None) for o in ordinals]
        best = retrieval.best_passages(s, table, match.rank_query, match.docnums, ordinals)
        return [self._hit(s, table, o, best[o][0].score if best.get(o) else 0.0,
                          best.get(o, []), match.parsed) for o in ordinals]

    def _hit(self, s: Searcher, table: DocTable, ordinal: int, score: float, passages: list,
             parsed: ParsedQuery | None) -> DocumentHit:
        doc = table.docs[ordinal]
        docnums = [p.docnum for p in passages]
        if not docnums:
            first = retrieval.first_passage(s, doc.doc_id)
            docnums = [first] if first is not None else []
        wanted = parsed.highlight if parsed else set()
        return DocumentHit(
            id=doc.doc_id, path=doc.path, title=doc.meta.title, date=doc.meta.date,
            type=doc.doc_type, lang=doc.meta.lang, marking=doc.meta.marking.name,
            loe=doc.tag_ids("loe"), principle=doc.tag_ids("principle"), score=round(score, 3),
            snippets=tuple(_snippet(s.stored_fields(n), wanted) for n in docnums))

    # --- reading aids (issue 5): thin wrappers over search/overview.py ------------------

    def tag_page(self, group: str, tag_id: str, clearance: Marking) -> TagPage:
        """Return a line-of-effort or principle page at `clearance`; NotFound if unknown."""
        with self.engine.reading() as r:
            return tag_page(r.searcher, r.table, self.taxonomy, group, tag_id, clearance)

    def home(self, clearance: Marking) -> HomeOverview:
        """Return the home page cards (counts, trends) and recent documents at `clearance`."""
        with self.engine.reading() as r:
            return home_overview(r.searcher, r.table, self.taxonomy, clearance)

    def reading_lists(self, clearance: Marking, loe: str | None = None) -> tuple[ReadingList, ...]:
        """Return the newcomer reading lists (all lines of effort, or `loe`) at `clearance`."""
        with self.engine.reading() as r:
            return reading_lists(r.searcher, r.table, self.taxonomy, clearance, loe)


    # --- precedents, ledger and brief (issue 6): thin wrappers ------------------------

    def precedents(self, req: PrecedentRequest, clearance: Marking) -> PrecedentResults:
        """Return earlier passages like the request's paragraph and/or query, at `clearance`."""
        with self.engine.reading() as r:
            return find_precedents(r.searcher, r.table, req, clearance)

    def ledger(self, req: LedgerRequest, clearance: Marking) -> Ledger:
        """Return the commitments and decisions ledger visible at `clearance`."""
        with self.engine.reading() as r:
            return build_ledger(r.searcher, r.table, self.taxonomy, req, clearance)

    def brief(self, req: BriefRequest, clearance: Marking) -> Brief:
        """Return the consultation brief of what is visible at `clearance`."""
        with self.engine.reading() as r:
            return build_brief(r.searcher, r.table, self.taxonomy, req, clearance)

    # --- editing (issue 7) ----------------------------------------------------------

    def record(self, doc_id: str, clearance: Marking) -> IndexedDocument:
        """Return one document's record (corrections applied); NotFound/Hidden as `document`."""
        with self.engine.reading() as r:
            return _visible_doc(r.table, doc_id, clearance)


def _visible_doc(table: DocTable, doc_id: str, clearance: Marking) -> IndexedDocument:
    """Return the document `doc_id`; raise NotFound if missing, Hidden (a NotFound) if above
    `clearance`."""
    ordinal = table.ordinal.get(doc_id)
    if ordinal is None:
        raise NotFound(doc_id)
    if table.docs[ordinal].meta.marking > clearance:
        raise Hidden(doc_id)
    return table.docs[ordinal]


def _snippet(stored: dict, wanted: set[str]) -> Snippet:
    frags = fragments(stored.get(f.BODY, ""), wanted)
    n = stored.get(f.N, 1)
    return Snippet(passage_id=stored[f.PASSAGE_ID], html=to_html(frags),
                   section=stored.get(f.SECTION_NAME, ""), page=stored.get(f.PAGE), fragments=frags,
                   anchor=f"p-{n}")


def _by_date(table: DocTable, mask: np.ndarray, newest: bool) -> list[int]:
    """Return the ordinals in `mask` sorted by date (undated last), then by id."""
    ordinals = np.flatnonzero(mask).tolist()
    dated = sorted((o for o in ordinals if table.dates[o]), key=lambda o: (table.dates[o], table.docs[o].doc_id),
                   reverse=newest)
    return dated + [o for o in ordinals if not table.dates[o]]
