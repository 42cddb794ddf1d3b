"""KnowledgeBase: the one object the app holds; every read takes the viewer's clearance."""
from __future__ import annotations

from pathlib import Path


from indexer.records import IndexedDocument, Marking, Taxonomy
from search.acronyms import GlossaryEntry, glossary
from search.budget import Deadline
from search.doctable import DocTable
from search.engine import Engine
from search.documents import DocumentView, load_passages, similar_documents, summarize
from search.corrections import CorrectionStore
from search.errors import Hidden, IndexDamaged, IndexMissing, NotFound
from search.overview import (HomeOverview, ReadingList, TagPage, home_overview, reading_lists,
                             tag_page)
from search.query import SearchRequest
from search.results import SearchResults
from search.brief import Brief, build_brief
from search.ledger import Ledger, build_ledger
from search.precedents import PrecedentResults, find_precedents
from search.requests import BriefRequest, LedgerRequest, PrecedentRequest
from search.searching import run_search


SIMILAR_CACHE = 4096            # similar-document lists kept per index generation


class KnowledgeBase:
    """Answers typed requests from the index in `index_dir`, filtered by clearance."""

    def __init__(self, index_dir: Path, taxonomy: Taxonomy,
                 corrections: CorrectionStore | None = None,
                 query_budget_s: float | None = None) -> None:
        self.taxonomy = taxonomy
        self.query_budget_s = query_budget_s      # None: no time budget (CLI, tests)
        self.engine = Engine(index_dir, corrections=corrections)
        self._glossaries: tuple[DocTable | None, dict] = (None, {})
        self._similars: tuple[DocTable | None, dict] = (None, {})

    def refresh(self) -> None:
        """Load the index's latest generation now (after a build), so requests need not."""
        self.engine.refresh()

    def search(self, req: SearchRequest, clearance: Marking) -> SearchResults:
        """Return one page of documents visible at `clearance`; facets count the same set.

        Raises QueryTooExpensive if the search runs past the time budget.
        """
        with self.engine.reading() as r:
            deadline = Deadline(self.query_budget_s) if self.query_budget_s else None
            return run_search(r, req, clearance, self.taxonomy, self._glossary(r.table, clearance),
                              deadline)

    def document(self, doc_id: str, clearance: Marking) -> DocumentView:
        """Return the document page data; raise NotFound if missing or above `clearance`."""
        with self.engine.reading() as r:
            doc = _visible_doc(r.table, doc_id, clearance)
            passages = load_passages(r.searcher, doc_id)
            similar = self._similar(r, doc, passages, clearance)
        return DocumentView(doc=doc, passages=passages, summary=summarize(passages, doc.meta.title),
                            similar=similar)

    def _similar(self, r, doc: IndexedDocument, passages, clearance: Marking):
        """Return similar documents, computed once per document, clearance and generation."""
        cached_table, by_key = self._similars
        if cached_table is not r.table or len(by_key) > SIMILAR_CACHE:
            by_key = {}
            self._similars = (r.table, by_key)
        key = (doc.doc_id, clearance)
        if key not in by_key:
            by_key[key] = similar_documents(r.searcher, r.table, doc, passages,
                                            r.table.visible(clearance))
        return by_key[key]

    def glossary(self, clearance: Marking) -> tuple[GlossaryEntry, ...]:
        """Return the acronym glossary visible at `clearance`."""
        with self.engine.reading() as r:
            return self._glossary(r.table, clearance)

    def _glossary(self, table: DocTable, clearance: Marking) -> tuple[GlossaryEntry, ...]:
        """Return the glossary for `table` at `clearance`, built once per index generation."""
        cached_table, by_clearance = self._glossaries
        if cached_table is not table:
            by_clearance = {}
            self._glossaries = (table, by_clearance)
        if clearance not in by_clearance:
            by_clearance[clearance] = glossary(table, self.taxonomy, clearance)
        return by_clearance[clearance]

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
            return find_precedents(r.searcher, r.table, req, clearance, self.taxonomy)

    def ledger(self, req: LedgerRequest, clearance: Marking) -> Ledger:
        """Return the commitments and decisions ledger visible at `clearance`."""
        with self.engine.reading() as r:
            return build_ledger(r.searcher, r.table, self.taxonomy, req, clearance)

    def brief(self, req: BriefRequest, clearance: Marking) -> Brief:
        """Return the consultation brief of what is visible at `clearance`."""
        with self.engine.reading() as r:
            return build_brief(r.searcher, r.table, self.taxonomy, req, clearance)

    # --- editing (issue 7) ----------------------------------------------------------

    def marking_of(self, doc_id: str) -> Marking | None:
        """Return the current marking of `doc_id` (corrections applied), None if not indexed
        or no index can be read (admin views then fall back to what they know)."""
        try:
            with self.engine.reading() as r:
                ordinal = r.table.ordinal.get(doc_id)
                return None if ordinal is None else r.table.docs[ordinal].meta.marking
        except (IndexMissing, IndexDamaged):
            return None

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


