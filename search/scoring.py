"""Evaluate a parsed query over whole documents with numpy: a match mask and a BM25F score.

Each document has a document record whose DOC_TEXT field holds all of its normalized text
(section headings included) and whose DOC_TITLE holds its title. Their postings are short
(one per document), so matching and ranking every document costs one pass over them instead
of scoring every matching passage; phrases are matched on the same records' positions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from search.budget import Deadline
from search.doctable import DocTable
from search.errors import QueryError

K1 = 1.2
B = 0.75
MAX_PREFIX_TERMS = 300
_TEXT_FIELDS = {f.TEXT_FIELD, f.SECTION, f.DOC_TEXT}
FACET_FIELDS = {f.TYPE: "type", f.LANG: "lang", f.YEAR: "year", f.DOC_LOE: "loe",
                 f.DOC_PRINCIPLE: "principle"}


@dataclass(frozen=True)
class DocScores:
    """Which documents match a query, and how well (0 where they don't)."""

    mask: np.ndarray
    score: np.ndarray


class DocScorer:
    """Scores queries for one searcher and document table (one request)."""

    def __init__(self, searcher: Searcher, table: DocTable,
                 deadline: Deadline | None = None) -> None:
        self.searcher = searcher
        self.deadline = deadline
        self.reader = searcher.reader()
        self.table = table
        self.n = len(table.docs)
        self._cache: dict[tuple[str, str], DocScores] = {}
        self._phrases: dict[tuple[str, str], DocScores] = {}

    def evaluate(self, q: wq.Query) -> DocScores:
        """Return the documents matching `q` and their scores."""
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text)
        if isinstance(q, wq.And):
            parts = [self.evaluate(s) for s in q.subqueries]
            mask = np.logical_and.reduce([p.mask for p in parts])
            return DocScores(mask, np.where(mask, sum(p.score for p in parts), 0.0))
        if isinstance(q, wq.Or):
            parts = [self.evaluate(s) for s in q.subqueries]
            return DocScores(np.logical_or.reduce([p.mask for p in parts]),
                             sum(p.score for p in parts))
        if isinstance(q, wq.AndNot):
            pos, neg = self.evaluate(q.a), self.evaluate(q.b)
            mask = pos.mask & ~neg.mask
            return DocScores(mask, np.where(mask, pos.score, 0.0))
        if isinstance(q, wq.Phrase):
            return self._phrase(q)
        if isinstance(q, wq.Prefix):
            return self._prefix(q)
        raise TypeError(f"cannot score {type(q).__name__}")

    def _term(self, fieldname: str, text: str) -> DocScores:
        key = (fieldname, text)
        if key not in self._cache:
            if self.deadline is not None:      # each term reads postings: the unit of work
                self.deadline.check()
            self._cache[key] = self._compute_term(fieldname, text)
        return self._cache[key]

    def _compute_term(self, fieldname: str, text: str) -> DocScores:
        if fieldname in FACET_FIELDS:
            column = self.table.facets[FACET_FIELDS[fieldname]]
            mask = column.mask_any((text,))
            return DocScores(mask, np.zeros(self.n))
        if fieldname == f.TITLE:
            return self._bm25(f.DOC_TITLE, text, self.table.title_len, f.FIELD_BOOSTS[f.TITLE])
        if fieldname in _TEXT_FIELDS:
            return self._bm25(f.DOC_TEXT, text, self.table.text_len, 1.0)
        raise QueryError(f"cannot search the field {fieldname}")

    def _bm25(self, fieldname: str, text: str, lengths: np.ndarray, boost: float) -> DocScores:
        """Return BM25 over document records for one term (postings read once)."""
        ords, tfs = self._postings(fieldname, text)
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n)
        if len(ords) == 0:
            return DocScores(mask, score)
        idf = math.log(1 + (self.n - len(ords) + 0.5) / (len(ords) + 0.5))
        avg = max(lengths.mean(), 1.0)
        norm = K1 * (1 - B + B * lengths[ords] / avg)
        mask[ords] = True
        score[ords] = boost * idf * tfs * (K1 + 1) / (tfs + norm)
        return DocScores(mask, score)

    def _postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (document ordinals, term frequencies) of a term in document records
        (cached per segment by the table: reading postings is the hot path)."""
        return self.table.term_postings(self.reader, fieldname, text)

    def _phrase(self, q: wq.Phrase) -> DocScores:
        """Match a phrase on the document records' positions; score it by its words."""
        field = f.DOC_TITLE if q.fieldname == f.TITLE else f.DOC_TEXT
        key = (field, " ".join(q.words))
        if key not in self._phrases:
            if self.deadline is not None:
                self.deadline.check()
            mask = np.zeros(self.n, dtype=bool)
            mask[self._phrase_docs(field, q.words)] = True
            words = [self._term(q.fieldname, w) for w in q.words]
            self._phrases[key] = DocScores(mask, np.where(mask, sum(w.score for w in words), 0.0))
        return self._phrases[key]

    def _phrase_docs(self, field: str, words: list[str]) -> np.ndarray:
        """Return the ordinals of documents holding the phrase (cached per generation)."""
        key = ("phrase:" + field, "\x00".join(words))
        found = self.table.postings.get(key)
        if found is None:
            docnums = np.array(phrase_docnums(self.reader, field, words), dtype=np.int64)
            ords = self.table.record_doc[docnums] if len(docnums) else docnums
            found = (ords[ords >= 0], np.array([]))
            self.table.postings.put(key, found)
        return found[0]

    def _prefix(self, q: wq.Prefix) -> DocScores:
        """Match every index term starting with the prefix (at most MAX_PREFIX_TERMS)."""
        field = f.DOC_TITLE if q.fieldname == f.TITLE else f.DOC_TEXT
        found = []
        for term in self.reader.expand_prefix(field, q.text):
            found.append(term.decode() if isinstance(term, bytes) else term)
            if len(found) > MAX_PREFIX_TERMS:
                raise QueryError(f"{q.text}* matches too many words; type more letters")
        if not found:
            return DocScores(np.zeros(self.n, dtype=bool), np.zeros(self.n))
        return self.evaluate(wq.Or([wq.Term(q.fieldname, t) for t in found]))


def phrase_docnums(reader, field: str, words: list[str]) -> list[int]:
    """Return the docnums where `words` occur consecutively in `field`.

    Walks the rarest word's postings, skips the others to each candidate, and compares
    position sets; Whoosh's own span matching builds an object per position and is ~5x slower.
    """
    if any((field, w) not in reader for w in words):
        return []
    order = sorted(range(len(words)), key=lambda i: reader.doc_frequency(field, words[i]))
    matchers = [reader.postings(field, words[i]) for i in order]
    lead, others = matchers[0], list(zip(order[1:], matchers[1:]))
    found = []
    while lead.is_active():
        doc = lead.id()
        if _all_at(others, doc):
            if _consecutive(order[0], lead, others):
                found.append(doc)
            lead.next()
        elif any(not m.is_active() for _, m in others):
            break
        else:
            lead.skip_to(max(m.id() for _, m in others))
    return found


def _all_at(others: list, doc: int) -> bool:
    """Advance every matcher to `doc`; return True if all of them are on it."""
    for _, m in others:
        if m.is_active() and m.id() < doc:
            m.skip_to(doc)
        if not m.is_active() or m.id() != doc:
            return False
    return True


def _consecutive(lead_index: int, lead, others: list) -> bool:
    """Return True if the words' positions line up as a phrase in the current document."""
    starts = {p - lead_index for p in lead.value_as("positions")}
    for index, m in others:
        starts &= {p - index for p in m.value_as("positions")}
        if not starts:
            return False
    return True
