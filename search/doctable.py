"""An in-memory table of the index's documents, with facet membership as numpy arrays.

Built once per index generation from the document records; facet counts and filters
over documents are then vector operations instead of index reads.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh.query import Term
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.records import IndexedDocument, Marking, decode_document
from search.corrections import DocOverlay
from search.query import FACETS


@dataclass(frozen=True)
class FacetColumn:
    """Which documents carry which values of one facet: a bool matrix [documents, values]."""

    values: tuple[str, ...]
    matrix: np.ndarray

    def mask_any(self, selected: tuple[str, ...]) -> np.ndarray:
        """Return a bool mask of documents carrying any of `selected` (OR inside a facet)."""
        cols = [self.values.index(v) for v in selected if v in self.values]
        if not cols:
            return np.zeros(self.matrix.shape[0], dtype=bool)
        return self.matrix[:, cols].any(axis=1)


class PostingsCache:
    """A thread-safe LRU of per-term document postings arrays, bounded in bytes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple[np.ndarray, np.ndarray] | None:
        """Return the cached arrays for `key`, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, str], value: tuple[np.ndarray, np.ndarray]) -> None:
        """Cache `value`, evicting the least recently used entries past the byte budget."""
        size = sum(a.nbytes for a in value)
        with self._lock:
            if key in self._items or size > self.max_bytes:
                return
            self._items[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._bytes -= sum(a.nbytes for a in old)


@dataclass(frozen=True)
class DocTable:
    """Every document of one index generation, in a fixed order (the document ordinal)."""

    docs: tuple[IndexedDocument, ...]
    ordinal: dict[str, int]
    marking: np.ndarray          # int8 per document
    dates: np.ndarray            # "YYYY-MM-DD"-sortable strings ("" when unknown)
    facets: dict[str, FacetColumn]
    passage_doc: np.ndarray      # Whoosh docnum -> document ordinal, -1 for non-passages
    record_doc: np.ndarray       # Whoosh docnum -> ordinal for document records, else -1
    text_len: np.ndarray         # per ordinal: terms in the document-level text field
    title_len: np.ndarray        # per ordinal: terms in the document record's title
    postings: PostingsCache = field(default_factory=PostingsCache, compare=False)

    def visible(self, clearance: Marking) -> np.ndarray:
        """Return a bool mask of the documents a viewer at `clearance` may see."""
        return self.marking <= int(clearance)

    def in_dates(self, date_from: str | None, date_to: str | None) -> np.ndarray:
        """Return a bool mask of documents dated inside [from, to] (prefix-inclusive)."""
        mask = np.ones(len(self.docs), dtype=bool)
        if date_from:
            mask &= (self.dates >= date_from) & (self.dates != "")
        if date_to:
            mask &= (self.dates <= date_to + "\uffff") & (self.dates != "")
        return mask


def load_doc_table(searcher: Searcher, overlay: DocOverlay | None = None,
                   decoded: dict[str, IndexedDocument] | None = None) -> DocTable:
    """Return the document table for the index `searcher` reads, with people's corrections
    (tags, raised markings) from `overlay` applied to every document.

    `decoded` maps stored document JSON to its decoded record: pass the map of the previous
    load (it is refilled with this load's documents) so a reload after an upload only
    decodes what changed.
    """
    overlay = overlay or DocOverlay()
    previous = dict(decoded) if decoded is not None else {}
    if decoded is not None:
        decoded.clear()
    records = []
    for stored in searcher.documents(**{f.KIND: f.KIND_DOC}):
        raw = stored[f.DOC_JSON]
        record = previous.get(raw) or decode_document(raw)
        if decoded is not None:
            decoded[raw] = record
        records.append(record)
    docs = tuple(overlay.apply(r) for r in records)
    docs = tuple(sorted(docs, key=lambda d: d.doc_id))
    ordinal = {d.doc_id: i for i, d in enumerate(docs)}
    passage_doc, record_doc = _owners(searcher, ordinal)
    return DocTable(
        docs=docs, ordinal=ordinal,
        marking=np.array([int(d.meta.marking) for d in docs], dtype=np.int8),
        dates=np.array([d.meta.date or "" for d in docs], dtype=object),
        facets={name: _facet_column(docs, name) for name in FACETS},
        passage_doc=passage_doc, record_doc=record_doc,
        text_len=_lengths(searcher, record_doc, len(docs), f.DOC_TEXT),
        title_len=_lengths(searcher, record_doc, len(docs), f.DOC_TITLE))


def facet_values_of(doc: IndexedDocument, facet: str) -> tuple[str, ...]:
    """Return the values `doc` has for `facet`."""
    if facet in ("loe", "principle"):
        return doc.tag_ids(facet)
    if facet == "type":
        return (doc.doc_type,)
    if facet == "lang":
        return (doc.meta.lang,)
    if facet == "year":
        return (doc.meta.date[:4],) if doc.meta.date else ()
    if facet == "org":
        return doc.meta.orgs
    raise KeyError(facet)


def _facet_column(docs: tuple[IndexedDocument, ...], facet: str) -> FacetColumn:
    per_doc = [facet_values_of(d, facet) for d in docs]
    values = tuple(sorted({v for vals in per_doc for v in vals}))
    index = {v: i for i, v in enumerate(values)}
    matrix = np.zeros((len(docs), max(1, len(values))), dtype=bool)
    for row, vals in enumerate(per_doc):
        for v in vals:
            matrix[row, index[v]] = True
    return FacetColumn(values, matrix)


def _owners(searcher: Searcher, ordinal: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Return (passage docnum -> ordinal, document-record docnum -> ordinal); -1 elsewhere."""
    reader = searcher.reader()
    owner = np.full(reader.doc_count_all(), -1, dtype=np.int32)
    for leaf, offset in reader.leaf_readers():
        if leaf.has_column(f.DOC_ID):
            values = list(leaf.column_reader(f.DOC_ID))
            owner[offset:offset + len(values)] = [
                ordinal.get(v.decode() if isinstance(v, bytes) else v, -1) for v in values]
    records = np.fromiter(searcher.docs_for_query(Term(f.KIND, f.KIND_DOC)), dtype=np.int64)
    record_doc = np.full_like(owner, -1)
    record_doc[records] = owner[records]
    passage_doc = owner.copy()
    passage_doc[records] = -1
    return passage_doc, record_doc


def _lengths(searcher: Searcher, record_doc: np.ndarray, n: int, field: str) -> np.ndarray:
    """Return, per document ordinal, the length of `field` in its document record."""
    reader = searcher.reader()
    out = np.zeros(n, dtype=np.float64)
    for docnum in np.flatnonzero(record_doc >= 0):
        out[record_doc[docnum]] = reader.doc_field_length(int(docnum), field, 0)
    return out
