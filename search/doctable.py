"""An in-memory table of the index's documents, with facet membership as numpy arrays.

Built once per index generation from the document records; facet counts and filters
over documents are then vector operations instead of index reads.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh.reading import IndexReader
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
    segments: tuple[tuple[str, int], ...] = ()      # (segment id, docnum offset) in order
    # term postings per segment (docnums in the segment), shared by the tables of one index
    segment_postings: PostingsCache = field(default_factory=PostingsCache, compare=False)
    # per-table cache (ordinals): phrase matches
    postings: PostingsCache = field(default_factory=lambda: PostingsCache(32 * 1024 * 1024),
                                    compare=False)

    def term_postings(self, reader: IndexReader, fieldname: str,
                      text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (document ordinals, term frequencies) of a term in the document records.

        `reader` must read this table's generation. Postings are cached per segment, so
        the cache survives uploads (which add a segment) and deleted records drop out here.
        """
        docnums, weights = self.raw_postings(reader, fieldname, text)
        ords = self.record_doc[docnums]
        keep = ords >= 0
        return ords[keep].astype(np.int64), weights[keep]

    def raw_postings(self, reader: IndexReader, fieldname: str,
                     text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (Whoosh docnums, weights) of a term in any record (cached per segment)."""
        chunks = []
        leaves = [(leaf, offset) for leaf, offset in reader.leaf_readers()
                  if leaf.segment() is not None]
        if [sid for sid, _ in self.segments] != [leaf.segment().segment_id() for leaf, _ in leaves]:
            raise ValueError("the reader does not read this table's index generation")
        for (sid, offset), (leaf, _) in zip(self.segments, leaves):
            key = (sid, fieldname + "\x00" + text)
            found = self.segment_postings.get(key)
            if found is None:
                found = _leaf_postings(leaf, fieldname, text)
                self.segment_postings.put(key, found)
            if len(found[0]):
                chunks.append((found[0] + offset, found[1]))
        if not chunks:
            return np.array([], dtype=np.int64), np.array([])
        return (np.concatenate([c[0] for c in chunks]).astype(np.int64),
                np.concatenate([c[1] for c in chunks]))

    def visible_passages(self, visible: np.ndarray) -> np.ndarray:
        """Return a bool mask over Whoosh docnums: live passages of `visible` documents."""
        owner = self.passage_doc
        return (owner >= 0) & visible[np.maximum(owner, 0)]

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


@dataclass(frozen=True)
class SegmentPart:
    """What one Whoosh segment holds for the table, read once per segment.

    Segments never change once written except that documents in them get deleted (and
    deletions only grow), so a part is cached by segment id across index generations and
    only the deletions are applied again on each load.
    """

    records: tuple[tuple[int, IndexedDocument], ...]    # (docnum in segment, document record)
    text_len: np.ndarray         # per entry of `records`: terms in DOC_TEXT
    title_len: np.ndarray        # per entry of `records`: terms in DOC_TITLE
    owner_ids: tuple[str, ...]   # the distinct DOC_ID values in the segment
    owner_codes: np.ndarray      # docnum in segment -> index into owner_ids (-1: none)
    facets: tuple[FacetColumn, ...]      # per FACETS name, rows = entries of `records`


SegmentParts = dict[str, SegmentPart]


def load_doc_table(searcher: Searcher, overlay: DocOverlay | None = None,
                   parts: SegmentParts | None = None,
                   segment_postings: PostingsCache | None = None) -> DocTable:
    """Return the document table for the index `searcher` reads, with people's corrections
    (tags, raised markings) from `overlay` applied to every document.

    `parts` caches what each segment contributes, by segment id: pass the dict of the
    previous load (it is refilled with this load's segments) so a reload after an upload
    reads only the new segment. `segment_postings` caches term postings per segment the
    same way (see DocTable.term_postings).
    """
    overlay = overlay or DocOverlay()
    previous = parts if parts is not None else {}
    leaves = _leaves(searcher)
    used: SegmentParts = {}
    live: list[tuple[int, IndexedDocument, int, int]] = []     # (docnum, record, part, row)
    for sid, leaf, offset in leaves:
        part = used[sid] = previous.get(sid) or _read_part(leaf)
        deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
        live += [(offset + n, record, len(used) - 1, i)
                 for i, (n, record) in enumerate(part.records) if n not in deleted]
    if parts is not None:           # forget segments merged away
        parts.clear()
        parts.update(used)
    live.sort(key=lambda entry: entry[1].doc_id)
    docs = tuple(overlay.apply(record) for _, record, _, _ in live)
    ordinal = {d.doc_id: i for i, d in enumerate(docs)}
    total = searcher.reader().doc_count_all()
    record_doc = np.full(total, -1, dtype=np.int32)
    record_doc[[docnum for docnum, _, _, _ in live]] = np.arange(len(live), dtype=np.int32)
    by_part = list(used.values())
    starts = np.cumsum([0] + [len(part.records) for part in by_part])
    rows = np.array([starts[k] + i for _, _, k, i in live], dtype=np.int64)  # in the parts
    corrected = [(o, doc) for o, (doc, entry) in enumerate(zip(docs, live)) if doc is not entry[1]]
    return DocTable(
        docs=docs, ordinal=ordinal,
        marking=np.array([int(d.meta.marking) for d in docs], dtype=np.int8),
        dates=np.array([d.meta.date or "" for d in docs], dtype=object),
        facets={name: _joined_column([part.facets[k] for part in by_part], rows, corrected, name)
                for k, name in enumerate(FACETS)},
        passage_doc=_passage_owners(leaves, used, ordinal, record_doc, total),
        record_doc=record_doc,
        text_len=_joined([part.text_len for part in by_part])[rows],
        title_len=_joined([part.title_len for part in by_part])[rows],
        segments=tuple((sid, offset) for sid, _, offset in leaves),
        segment_postings=segment_postings or PostingsCache())


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0)


def _joined_column(columns: list[FacetColumn], rows: np.ndarray,
                   corrected: list[tuple[int, IndexedDocument]], facet: str) -> FacetColumn:
    """Join the segments' columns of one facet, keep `rows` (in table order), then redo the
    rows of documents whose tags people corrected."""
    fixed = {o: facet_values_of(doc, facet) for o, doc in corrected}
    values = tuple(sorted({v for c in columns for v in c.values}
                          | {v for vals in fixed.values() for v in vals}))
    index = {v: i for i, v in enumerate(values)}
    whole = np.zeros((sum(len(c.matrix) for c in columns), max(1, len(values))), dtype=bool)
    start = 0
    for c in columns:
        if c.values:
            whole[start:start + len(c.matrix), [index[v] for v in c.values]] = c.matrix
        start += len(c.matrix)
    matrix = whole[rows]
    for o, vals in fixed.items():
        matrix[o] = False
        matrix[o, [index[v] for v in vals]] = True
    held = matrix.any(axis=0)               # values only deleted documents had drop out
    if values and not held.all():
        values = tuple(v for v, keep in zip(values, held) if keep)
        matrix = matrix[:, held] if values else np.zeros((len(rows), 1), dtype=bool)
    return FacetColumn(values, matrix)


def _leaves(searcher: Searcher) -> list[tuple[str, Any, int]]:
    """Return (segment id, segment reader, docnum offset) of every segment being read."""
    return [(leaf.segment().segment_id(), leaf, offset)
            for leaf, offset in searcher.reader().leaf_readers() if leaf.segment() is not None]


def _read_part(leaf) -> SegmentPart:
    """Read one segment's document records, their field lengths and every docnum's owner."""
    records = []
    if (f.KIND, f.KIND_DOC) in leaf:
        for n in leaf.postings(f.KIND, f.KIND_DOC).all_ids():
            records.append((n, decode_document(leaf.stored_fields(n)[f.DOC_JSON])))
    ids: dict[str, int] = {}
    codes = np.full(leaf.doc_count_all(), -1, dtype=np.int32)
    if leaf.has_column(f.DOC_ID):
        values = (v.decode() if isinstance(v, bytes) else v for v in leaf.column_reader(f.DOC_ID))
        codes[:] = [ids.setdefault(v, len(ids)) if v else -1 for v in values]
    return SegmentPart(
        records=tuple(records),
        text_len=np.array([leaf.doc_field_length(n, f.DOC_TEXT, 0) for n, _ in records],
                          dtype=np.float64),
        title_len=np.array([leaf.doc_field_length(n, f.DOC_TITLE, 0) for n, _ in records],
                           dtype=np.float64),
        owner_ids=tuple(ids), owner_codes=codes,
        facets=tuple(_facet_column([facet_values_of(r, name) for _, r in records])
                     for name in FACETS))


def _passage_owners(leaves, parts: SegmentParts, ordinal: dict[str, int],
                    record_doc: np.ndarray, total: int) -> np.ndarray:
    """Return Whoosh docnum -> ordinal of the owning document for live passages, else -1."""
    owner = np.full(total, -1, dtype=np.int32)
    for sid, leaf, offset in leaves:
        part = parts[sid]
        if not part.owner_ids:
            continue
        of_id = np.array([ordinal.get(i, -1) for i in part.owner_ids] + [-1], dtype=np.int32)
        owner[offset:offset + len(part.owner_codes)] = of_id[part.owner_codes]  # -1 -> last
        if leaf.has_deletions():
            dead = np.fromiter(leaf.deleted_docs_set, dtype=np.int64)
            owner[offset + dead] = -1
    owner[record_doc >= 0] = -1
    return owner


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


def _facet_column(per_doc: list[tuple[str, ...]]) -> FacetColumn:
    values = tuple(sorted({v for vals in per_doc for v in vals}))
    index = {v: i for i, v in enumerate(values)}
    pairs = [(row, index[v]) for row, vals in enumerate(per_doc) for v in vals]
    matrix = np.zeros((len(per_doc), max(1, len(values))), dtype=bool)
    if pairs:
        rows, cols = zip(*pairs)
        matrix[list(rows), list(cols)] = True
    return FacetColumn(values, matrix)


def _leaf_postings(leaf, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (docnums in the segment, weights) of a term in one segment."""
    if (fieldname, text) not in leaf:
        return np.array([], dtype=np.int64), np.array([])
    items = leaf.postings(fieldname, text).items_as("weight")
    arr = np.fromiter((x for item in items for x in item), dtype=np.float64)
    return arr[0::2].astype(np.int64), arr[1::2]
