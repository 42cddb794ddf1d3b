"""The search flow: parse, match and rank documents, count facets, build the page of hits."""
from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.records import Marking, Taxonomy
from search.acronyms import GlossaryEntry
from search.budget import Deadline
from search.doctable import DocTable
from search.engine import Reading
from search.errors import QueryError
from search.facets import apply_selections, chips, facet_counts, selection_masks
from search.highlight import fragments, to_html
from search.parser import ParsedQuery, parse_query
from search.phrases import within_docnums
from search.query import SearchRequest
from search.results import DocumentHit, Expansion, SearchResults, Snippet
from search.scoring import FACET_FIELDS, DocScorer
from search.spelling import suggest

FEW_RESULTS = 3
SNIPPETS_PER_HIT = 3


@dataclass(frozen=True)
class Match:
    """What a query matched: documents, their scores, and the query that ranks passages."""

    parsed: ParsedQuery
    docs: np.ndarray
    score: np.ndarray
    passage_query: wq.Query
    expanded: tuple[Expansion, ...]


def run_search(r: Reading, req: SearchRequest, clearance: Marking, taxonomy: Taxonomy,
               glossary: tuple[GlossaryEntry, ...],
               deadline: Deadline | None = None) -> SearchResults:
    """Return one page of documents visible at `clearance`; facets count the same set.

    Raises QueryTooExpensive when `deadline` passes between stages or query terms.
    """
    started = time.perf_counter()
    check = deadline.check if deadline is not None else lambda: None
    table, s = r.table, r.searcher
    visible = table.visible(clearance)
    dated = table.in_dates(req.date_from, req.date_to)
    has_dates = bool(req.date_from or req.date_to)
    undated = visible & (table.dates == "") if has_dates else np.zeros(len(table.docs), bool)
    base = visible & (dated | undated) if req.undated else visible & dated
    match = match_query(s, table, req, taxonomy, glossary, base, deadline, visible)
    if match is not None:
        base &= match.docs
        undated &= match.docs
    check()
    facets = facet_counts(table, base, req, taxonomy)
    final = apply_selections(base, selection_masks(table, req))
    total = int(final.sum())
    left_out = 0 if req.undated else int(apply_selections(undated, selection_masks(table, req)).sum())
    check()
    hits = _page(s, table, req, match, final)
    suggestion = None
    if total == 0 and match is not None:
        suggestion = suggest(s, table, r.vocabulary, req, match.parsed, visible)
    return SearchResults(
        total=total, page=req.page, per_page=req.per_page,
        pages=max(1, math.ceil(total / req.per_page)), hits=tuple(hits), facets=facets,
        suggestion=suggestion,
        suggestion_query_string=req.with_text(suggestion).query_string() if suggestion else None,
        expanded=match.expanded if match else (), chips=chips(req, taxonomy),
        took_ms=round((time.perf_counter() - started) * 1000, 1), is_browse=match is None,
        undated=left_out,
        undated_query_string=req.with_undated().query_string() if left_out else None)


def match_query(s: Searcher, table: DocTable, req: SearchRequest, taxonomy: Taxonomy,
                glossary: tuple[GlossaryEntry, ...], base: np.ndarray,
                deadline: Deadline | None = None,
                visible: np.ndarray | None = None) -> Match | None:
    """Return what the request's text matches (None = browse: no query text).

    Scores and wildcard expansion use the statistics of the `visible` documents only
    (default: all), so documents the viewer may not see change nothing in the answer.

    Plain words must all occur somewhere in a document (not in one passage); when that
    finds fewer than FEW_RESULTS visible documents, documents holding at least half of the
    typed words are added, ranked lower. Expansion (acronyms, equivalents) only adds
    documents: whatever the typed words match alone is always matched too.
    """
    if not req.text.strip():
        return None
    match = _match_text(s, table, req, taxonomy, glossary, base, deadline, visible)
    if not (req.expand and match.expanded):
        return match
    typed = _match_text(s, table, req.without_expansion(), taxonomy, (), base, deadline, visible)
    return Match(dataclasses.replace(match.parsed, highlight=match.parsed.highlight
                                     | typed.parsed.highlight),
                 match.docs | typed.docs, _after(match, typed),
                 wq.Or([match.passage_query, typed.passage_query]), match.expanded)


def _after(match: Match, typed: Match) -> np.ndarray:
    """Return the expanded match's scores, with documents only the typed words found ranked
    after all of them (in their own order): expansion adds, and does not reshuffle."""
    extra = typed.docs & ~match.docs
    if not extra.any():
        return match.score
    floor = float(match.score[match.docs].min()) if match.docs.any() else 1.0
    top = float(typed.score[extra].max()) or 1.0
    return np.where(match.docs, match.score,
                    np.where(extra, 0.5 * floor * typed.score / top, 0.0))


def _match_text(s: Searcher, table: DocTable, req: SearchRequest, taxonomy: Taxonomy,
                glossary: tuple[GlossaryEntry, ...], base: np.ndarray,
                deadline: Deadline | None = None, visible: np.ndarray | None = None) -> Match:
    """Return what the request's text matches, with the expansion `req` asks for."""
    acronyms = {e.short: e.long for e in glossary if e.supported} if req.expand else {}
    parsed = parse_query(req.text, _validator(taxonomy), acronyms,
                         taxonomy.equivalents if req.expand else ())
    if parsed.query is None:
        raise QueryError("the query has no words to search for; try different words")
    scorer = DocScorer(s, table, deadline, visible)
    expanded = tuple(dict.fromkeys(Expansion(a, b) for a, b in parsed.expansions))
    if parsed.is_simple and len(parsed.units) >= 2:
        docs, score = _held(scorer, parsed.units)
        passage_query = parsed.loosened()
    else:
        result = scorer.evaluate(parsed.query)
        docs, score, passage_query = result.mask, result.score, parsed.query
    if parsed.is_simple and len(parsed.word_units) >= 2 and (docs & base).sum() < FEW_RESULTS:
        wide, wide_score = _held(scorer, parsed.word_units, share=0.5)
        score = np.where(docs, score, 0.5 * wide_score)
        docs = docs | wide
        passage_query = wq.Or([passage_query, wq.Or(parsed.word_units)])
    return Match(parsed, docs, score, passage_query, expanded)


def _held(scorer: DocScorer, units: list, share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Return documents holding at least `share` of the units, and scores weighted by coverage."""
    parts = [scorer.evaluate(u) for u in units]
    held = np.mean([p.mask for p in parts], axis=0)
    docs = held >= share - 1e-9
    return docs, np.where(docs, held * sum(p.score for p in parts), 0.0)


def _validator(taxonomy: Taxonomy):
    """Return a check that raises QueryError when a field:value names an unknown tag or type."""
    def validate(alias: str, value: str) -> None:
        if alias in ("loe", "principle", "type"):
            known = {t.id for t in taxonomy.group(alias)}
            if value not in known:
                raise QueryError(f"unknown {alias} {value!r}: use one of {', '.join(sorted(known))}")
    return validate


def _page(s: Searcher, table: DocTable, req: SearchRequest, match: Match | None,
          final: np.ndarray) -> list[DocumentHit]:
    """Return the hits of the requested page, each with highlighted snippets."""
    first = (req.page - 1) * req.per_page
    if match is not None and req.sort == "relevance":
        ordinals = _by_score(match.score, final)[first:first + req.per_page]
    else:
        ordinals = _by_date(table, final, newest=req.sort != "oldest")[first:first + req.per_page]
    best = _best_passages(s, table, match.passage_query, ordinals) if match else {}
    wanted = match.parsed.highlight if match else set()
    return [_hit(s, table, o, float(match.score[o]) if match else 0.0, best.get(o, []), wanted)
            for o in ordinals]


def _by_score(score: np.ndarray, mask: np.ndarray) -> list[int]:
    """Return the ordinals in `mask`, best score first (ties by ordinal)."""
    ordinals = np.flatnonzero(mask)
    return ordinals[np.argsort(-score[ordinals], kind="stable")].tolist()


def _by_date(table: DocTable, mask: np.ndarray, newest: bool) -> list[int]:
    """Return the ordinals in `mask` sorted by date (undated last), then by id.

    Ordinals follow document ids (the table is sorted by id), so a stable sort by date
    keeps ids in order within a date; newest first reverses both. Undated: by id.
    """
    ordinals = np.flatnonzero(mask)
    dates = table.dates[ordinals].astype(str)
    is_dated = dates != ""
    dated = ordinals[is_dated][np.argsort(dates[is_dated], kind="stable")]
    if newest:
        dated = dated[::-1]
    return dated.tolist() + ordinals[~is_dated].tolist()


def _best_passages(s: Searcher, table: DocTable, q: wq.Query,
                   ordinals: list[int]) -> dict[int, list[int]]:
    """Return the docnums of the best passages (BM25F) of each document on the page."""
    if not ordinals:
        return {}
    text_part = passage_part(q)
    if text_part is None:
        return {}
    owners = wq.Or([wq.Term(f.DOC_ID, table.docs[o].doc_id) for o in ordinals])
    # Phrase matchers would otherwise check positions all over the index (see search/phrases).
    text_part = within_docnums(text_part, s, sorted(s.docs_for_query(owners)))
    query = wq.And([owners, text_part])  # document records have no passage fields: no kind term
    best: dict[int, list[int]] = {}
    for hit in s.search(query, limit=None):
        o = int(table.passage_doc[hit.docnum])
        if o >= 0 and len(best.setdefault(o, [])) < SNIPPETS_PER_HIT:
            best[o].append(hit.docnum)
    return best


def passage_part(q: wq.Query) -> wq.Query | None:
    """Return `q` without its document-facet terms (type:, loe:, ...), which passages lack."""
    if isinstance(q, wq.Term) and q.fieldname in FACET_FIELDS:
        return None
    if isinstance(q, (wq.And, wq.Or)):
        subs = [x for x in (passage_part(s) for s in q.subqueries) if x is not None]
        return type(q)(subs) if len(subs) > 1 else (subs[0] if subs else None)
    if isinstance(q, wq.AndNot):
        a, b = passage_part(q.a), passage_part(q.b)
        return a if a is None or b is None else wq.AndNot(a, b)
    return q


def _hit(s: Searcher, table: DocTable, ordinal: int, score: float, docnums: list[int],
         wanted: set[str]) -> DocumentHit:
    doc = table.docs[ordinal]
    if not docnums:
        first = s.document_number(**{f.PASSAGE_ID: f"{doc.doc_id}#1"})
        docnums = [first] if first is not None else []
    return DocumentHit(
        id=doc.doc_id, path=doc.path, title=doc.meta.title, date=doc.meta.date,
        type=doc.doc_type, lang=doc.meta.lang, marking=doc.meta.marking.name,
        loe=doc.tag_ids("loe"), principle=doc.tag_ids("principle"), score=round(score, 3),
        snippets=tuple(_snippet(s.stored_fields(n), wanted) for n in docnums))


def _snippet(stored: dict, wanted: set[str]) -> Snippet:
    frags = fragments(stored.get(f.BODY, ""), wanted)
    n = stored.get(f.N, 1)
    return Snippet(passage_id=stored[f.PASSAGE_ID], html=to_html(frags),
                   section=stored.get(f.SECTION_NAME, ""), page=stored.get(f.PAGE),
                   fragments=frags, anchor=f"p-{n}")
