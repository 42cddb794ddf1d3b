"""Whoosh (whoosh-reloaded) private internals used by the project, checked at import.

- The engine opens a reader on one commit's segment list (`Index._reader`, `Index._schema`):
  a snapshot keeps serving the segments it loaded while later commits land.
- Phrase matching reads a W3 leaf matcher's current block in bulk (`_read_ids`,
  `_read_weights`, `_read_values`, `_next_block` and the `_ids`/`_weights`/`_values` they
  fill) instead of one posting at a time.
- indexer/segments.py subclasses `SegmentWriter`: it overrides `_flush_segment` and uses
  `_check_state`, `_check_fields`, `_added`, `perdocwriter`, `docnum`, `docbase`, `pool`,
  `codec`, `fieldwriter` and `per_document_reader` as the stock `add_document` does.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from compat import LibraryChanged, problem, require

DISTRIBUTION = "whoosh-reloaded"
PINNED = "2.7.5"
try:
    from whoosh.codec.whoosh3 import W3LeafMatcher
except ImportError:
    raise LibraryChanged(problem(DISTRIBUTION, PINNED, "whoosh.codec.whoosh3",
                                 ["W3LeafMatcher"])) from None
INDEX_INTERNALS = ("_reader", "_schema")
MATCHER_METHODS = ("_read_ids", "_read_weights", "_read_values", "_next_block",
                   "block_max_id", "is_active")
MATCHER_BLOCK = ("_ids", "_weights", "_values")              # filled by the _read_* methods
WRITER_METHODS = ("_check_state", "_check_fields", "_flush_segment", "per_document_reader")
WRITER_STATE = ("_added", "perdocwriter", "docnum", "docbase", "pool", "codec", "fieldwriter")

require(DISTRIBUTION, PINNED, [
    (FileIndex, "whoosh.index.FileIndex", ("_reader",)),
    (W3LeafMatcher, "whoosh.codec.whoosh3.W3LeafMatcher", MATCHER_METHODS),
    (SegmentWriter, "whoosh.writing.SegmentWriter", WRITER_METHODS),
])


def commit_reader(ix: FileIndex, toc):
    """Return an IndexReader over exactly the segments of `toc` (one commit of `ix`)."""
    return ix._reader(ix.storage, toc.schema, list(toc.segments), toc.generation)


def index_schema(ix: FileIndex):
    """Return the schema `ix` was opened with (what TOC.read needs)."""
    return ix._schema


def block_ids_values(m: W3LeafMatcher) -> tuple[Sequence[int], Sequence[bytes]]:
    """Return the ids and values of the matcher's current block."""
    m._read_ids()
    m._read_values()
    return m._ids, m._values


def block_postings(m: W3LeafMatcher) -> tuple[Sequence[int], Sequence[float], Sequence]:
    """Return the ids, weights and values of the matcher's current block."""
    m._read_ids()
    m._read_weights()
    m._read_values()
    return m._ids, m._weights, m._values


def next_block(m: W3LeafMatcher) -> None:
    """Move the matcher to its next block."""
    m._next_block()


def check_can_add(writer: SegmentWriter, fieldnames: Iterable[str]) -> None:
    """Raise as the stock `add_document` does for a closed writer or unknown fields."""
    writer._check_state()
    writer._check_fields(writer.schema, fieldnames)


def mark_added(writer: SegmentWriter) -> None:
    """Record that the writer holds documents (the stock `add_document` does this)."""
    writer._added = True
