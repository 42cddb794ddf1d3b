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
from search.phrases import phrase_docnums, phrase_matches  # noqa: F401 (phrase_docnums: API)

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
                 deadline: Deadline | None = None, visible: np.ndarray | None = None) -> None:
        self.searcher = searcher
        self.deadline = deadline
        self.reader = searcher.reader()
        self.table = table
        self.n = len(table.docs)
        # Statistics (document count, frequencies, average lengths) and prefix expansion
        # count only the documents the viewer may see, so hidden ones change no answer.
        self.visible = visible if visible is not None else np.ones(self.n, dtype=bool)
        self.sees_all = bool(self.visible.all())
        self.n_visible = int(self.visible.sum())
        self._avg: dict[int, float] = {}
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
        mask[ords] = True
        df = len(ords) if self.sees_all else int(self.visible[ords].sum())
        score[ords] = self._bm25_at(ords, tfs, df, lengths, boost)
        return DocScores(mask, score)

    def _bm25_at(self, ords: np.ndarray, tfs: np.ndarray, df: int, lengths: np.ndarray,
                 boost: float) -> np.ndarray:
        """Return a term's BM25 on the documents `ords` (it occurs `tfs` times in each and
        in `df` documents in all)."""
        idf = math.log(1 + (self.n_visible - df + 0.5) / (df + 0.5))
        avg = self._average(lengths)
        norm = K1 * (1 - B + B * lengths[ords] / avg)
        return boost * idf * tfs * (K1 + 1) / (tfs + norm)

    def _average(self, lengths: np.ndarray) -> float:
        """Return the mean of `lengths` over the visible documents (at least 1)."""
        key = id(lengths)
        if key not in self._avg:
            seen = lengths if self.sees_all else lengths[self.visible]
            self._avg[key] = max(float(seen.mean()), 1.0) if len(seen) else 1.0
        return self._avg[key]

    def _postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (document ordinals, term frequencies) of a term in document records
        (cached per segment by the table: reading postings is the hot path)."""
        return self.table.term_postings(self.reader, fieldname, text)

    def _phrase(self, q: wq.Phrase) -> DocScores:
        """Match a phrase on the document records' positions; score it by its words.

        The score is the sum of the words' BM25 (as `_term` gives it) on the matching
        documents, computed from the positions read there: no word's postings are read whole.
        """
        if q.fieldname != f.TITLE and q.fieldname not in _TEXT_FIELDS:
            raise QueryError(f"cannot search the field {q.fieldname}")
        field = f.DOC_TITLE if q.fieldname == f.TITLE else f.DOC_TEXT
        lengths, boost = ((self.table.title_len, f.FIELD_BOOSTS[f.TITLE]) if field == f.DOC_TITLE
                          else (self.table.text_len, 1.0))
        key = (field, " ".join(q.words))
        if key not in self._phrases:
            if self.deadline is not None:
                self.deadline.check()
            ords, tfs = self._phrase_docs(field, q.words)
            mask = np.zeros(self.n, dtype=bool)
            mask[ords] = True
            words = []
            for word, word_tfs in zip(q.words, tfs):
                score = np.zeros(self.n)
                score[ords] = self._bm25_at(ords, word_tfs, self._doc_frequency(field, word),
                                            lengths, boost)
                words.append(score)
            self._phrases[key] = DocScores(mask, np.where(mask, sum(words), 0.0))
        return self._phrases[key]

    def _phrase_docs(self, field: str, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return the ordinals of documents holding the phrase, and each word's frequency
        there (one row per word, as term postings weigh it); cached per generation."""
        key = ("phrase:" + field, "\x00".join(words))
        found = self.table.postings.get(key)
        if found is None:
            check = self.deadline.check if self.deadline is not None else None
            match = phrase_matches(self.reader, field, words, check=check)
            boost = self.reader.schema[field].format.field_boost
            tfs = np.array([c * boost for c in match.counts], dtype=np.float64)
            ords = self.table.record_doc[match.docnums] if len(match.docnums) else match.docnums
            keep = ords >= 0
            found = (ords[keep].astype(np.int64), tfs.reshape(len(words), -1)[:, keep])
            self.table.postings.put(key, found)
        return found

    def doc_frequency(self, field: str, word: str) -> int:
        """Return the number of visible documents holding `word` in a document-level field."""
        return self._doc_frequency(field, word)

    def _doc_frequency(self, field: str, word: str) -> int:
        """Return the number of visible documents holding `word` (as `_bm25` counts them)."""
        if not self.sees_all:
            return int(self.visible[self._postings(field, word)[0]].sum())
        if self.reader.has_deletions():     # Whoosh's frequencies count deleted records too
            return len(self._postings(field, word)[0])
        return self.reader.doc_frequency(field, word)

    def is_visible_term(self, field: str, term: str) -> bool:
        """Return True if a visible document holds `term` in the document-level `field`."""
        if self.deadline is not None:
            self.deadline.check()
        return bool(self.visible[self._postings(field, term)[0]].any())

    def _prefix(self, q: wq.Prefix) -> DocScores:
        """Match every term of the visible documents starting with the prefix (at most
        MAX_PREFIX_TERMS; terms only hidden documents hold are not counted)."""
        field = f.DOC_TITLE if q.fieldname == f.TITLE else f.DOC_TEXT
        found = []
        for term in self.reader.expand_prefix(field, q.text):
            term = term.decode() if isinstance(term, bytes) else term
            if not self.sees_all and not self.is_visible_term(field, term):
                continue
            found.append(term)
            if len(found) > MAX_PREFIX_TERMS:
                raise QueryError(f"{q.text}* matches too many words; type more letters")
        if not found:
            return DocScores(np.zeros(self.n, dtype=bool), np.zeros(self.n))
        return self.evaluate(wq.Or([wq.Term(q.fieldname, t) for t in found]))
