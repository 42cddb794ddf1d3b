"""A Whoosh segment writer for our records: cheaper to fill and to flush, same files.

Three things make Whoosh's stock `SegmentWriter` spend its time here, none of which changes
what it writes:
- *Field lengths at flush.* For every posting, the field writer asks the length of the
  posting's field in its document (block statistics for scoring), and the stock writer
  answers each ask by seeking in the length column it has just written: about a third of a
  commit. `LengthTable` reads each field's lengths once.
- *The posting pool.* The stock pool keeps one (field, term, document, weight, value)
  tuple per posting and sorts them all at flush (spilling sorted runs to disk past
  `limitmb`). `GroupedPostingPool` keeps postings per field and term in the order they
  come, which for documents added one after another is already the sorted order: flush
  sorts only the distinct terms, and a posting costs three list slots.
- *Positions of pre-split text.* Records carry their text fields as term lists (the workers
  normalize and split them); Whoosh indexes a list through its generic token stream.
  `position_postings` builds the same postings directly.

`tests/test_segments.py` checks that builds write the same index as the stock writer: the
same column and stored-field files byte for byte, the same terms, statistics and postings
read back (equal one-position values share one object here, which Whoosh's block pickles
then write once, so posting files come out ~14% smaller).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator, Sequence

from whoosh import formats
from whoosh.writing import SegmentWriter

from compat.whoosh import check_can_add, mark_added

Posting = tuple[str, bytes, int, float, bytes | None]   # Whoosh's pool item
SINGLE_POSITIONS = 1 << 16      # one-position values cached (bounds the cache's memory)


class LengthTable:
    """`doc_field_length` answered from per-field lists read once from a per-document reader;
    fields that keep no lengths (not scorable: ids, keywords) answer `default` at once."""

    def __init__(self, perdoc, doc_count: int, scorable: frozenset[str]) -> None:
        self._perdoc = perdoc
        self._count = doc_count
        self._scorable = scorable
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        if fieldname not in self._scorable:
            return default
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._perdoc.doc_field_length
            lengths = self._fields[fieldname] = [read(n, fieldname, default)
                                                 for n in range(self._count)]
        return lengths[docnum]


class GroupedPostingPool:
    """Postings grouped by field and term, each group a flat [docnum, weight, value, ...]
    list in the order added; `iter_postings` yields them in Whoosh's pool order (field,
    term, docnum, weight, value). Groups are sorted at flush only if some posting came with
    a smaller document number than one before it (Whoosh's merges add postings term by
    term).
    """

    def __init__(self) -> None:
        self._fields: dict[str, dict[bytes, list]] = {}
        self._last_docnum = -1
        self._in_order = True

    def add_postings(self, fieldname: str, docnum: int,
                     items: Iterable[tuple[bytes, int, float, bytes | None]]) -> int:
        """Add `docnum`'s (term bytes, frequency, weight, value) postings in `fieldname`;
        return the sum of their frequencies (the field's length in the document)."""
        if docnum < self._last_docnum:
            self._in_order = False
        self._last_docnum = docnum
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        length = 0
        for tbytes, freq, weight, vbytes in items:
            length += freq
            postings = terms.get(tbytes)
            if postings is None:
                terms[tbytes] = [docnum, weight, vbytes]
            else:
                postings += (docnum, weight, vbytes)
        return length

    def add(self, item: Posting) -> None:
        """Add one (fieldname, tbytes, docnum, weight, vbytes) posting (Whoosh's way in)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_postings(fieldname, docnum, [(tbytes, 0, weight, vbytes)])

    def iter_postings(self) -> Iterator[Posting]:
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tbytes in sorted(terms):
                flat = terms[tbytes]
                triples = zip(flat[0::3], flat[1::3], flat[2::3])
                if not self._in_order:
                    triples = sorted(triples)
                for docnum, weight, vbytes in triples:
                    yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self) -> None:
        self._fields.clear()


class SegmentFlushWriter(SegmentWriter):
    """SegmentWriter with the pool, flush and list indexing above.

    Documents using Whoosh features our schema does not (boost or `_stored_` keys, term
    vectors, spelling fields) go through the stock `add_document`, into the same pool.
    """

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.pool = GroupedPostingPool()
        self._plain_schema = not any(field.vector or field.separate_spelling()
                                     for _, field in self.schema.items())
        self._single_positions: dict[int, bytes] = {}   # encoded one-position values

    def add_document(self, **fields) -> None:
        names = sorted(fields)
        if not self._plain_schema or any(name.startswith("_") for name in names):
            super().add_document(**fields)
            return
        check_can_add(self, names)
        perdoc, docnum = self.perdocwriter, self.docnum
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is not None:
                    self._add_field(perdoc, docnum, name, self.schema[name], value)
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        mark_added(self)
        self.docnum += 1

    def _add_field(self, perdoc, docnum: int, name: str, field, value) -> None:
        """Pool one field's postings and hand its stored value, length and column value to
        the per-document writer (what the stock `add_document` does per field)."""
        length = 0
        if field.indexed:
            if type(field.format) is formats.Positions and isinstance(value, (list, tuple)):
                items = position_postings(value, field.format, self._single_positions)
            else:
                items = field.index(value)
            length = self.pool.add_postings(name, docnum, items)
            if not field.scorable:
                length = 0
        perdoc.add_field(name, field, value if field.stored else None, length)
        if field.column_type:
            perdoc.add_column_value(name, field.column_type, field.to_column_value(value))

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        perdoc = self.per_document_reader() if self.codec.length_stats else None
        scorable = frozenset(name for name, field in self.schema.items() if field.scorable)
        lengths = LengthTable(perdoc, self.docnum - self.docbase, scorable) if perdoc else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if perdoc:
            perdoc.close()


def position_postings(terms: Sequence[str], fmt: formats.Positions,
                      single: dict[int, bytes]) -> Iterator[tuple[bytes, int, float, bytes]]:
    """Yield (term bytes, frequency, weight, encoded positions) for a list of terms at
    positions 0, 1, ..., as Whoosh's Positions format does for a list value (same weights:
    each occurrence adds 1.0, times the field boost; same encoding). `single` caches the
    encoding of one-position values below SINGLE_POSITIONS, the most common kind."""
    positions: dict[str, list[int]] = defaultdict(list)
    for pos, term in enumerate(terms):
        positions[term].append(pos)
    boost = fmt.field_boost
    once = 1.0 * boost
    for term, poslist in positions.items():
        freq = len(poslist)
        if freq > 1:
            yield term.encode("utf-8"), freq, float(freq) * boost, fmt.encode(poslist)
            continue
        pos = poslist[0]
        value = single.get(pos)
        if value is None:
            value = fmt.encode(poslist)
            if pos < SINGLE_POSITIONS:
                single[pos] = value
        yield term.encode("utf-8"), 1, once, value
