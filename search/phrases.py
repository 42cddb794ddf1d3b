"""Phrase matching: on whole document records, and on the passages of one page of hits.

`phrase_matches` reads the rarest word's postings whole, then each other word's only for
the documents still holding a possible start of the phrase, block by block from the
postings file (a block is unpickled only when one of those documents falls in it). The
positions of all the documents are decoded and compared at once with numpy, as sorted keys
`docnum << 32 | position - index in the phrase`. It also returns each word's frequency in
the matching documents, which is all that scoring the phrase needs: no word's postings
are read whole twice. Decoding positions is the cost: a common word has ~40 per document
record, and "the" ~160.

`within_docnums` serves the snippets of one page: it rewrites the phrases of the passage
query so that their matchers only look at the page's passages. Inside `And(page's
documents, query)` Whoosh's phrase matcher would still check positions at every passage
holding all the words, from the start of the index and after every skip on to the next
match (up to ~0.5 s per query at 50,000 documents). Matches and scores on the page's
passages are Whoosh's own, unchanged.
"""
from __future__ import annotations

import copy
import pickle
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching import FilterMatcher, ListMatcher, Matcher, NullMatcher, WrappingMatcher
from whoosh.reading import IndexReader
from whoosh.query.compound import BinaryQuery
from whoosh.query.spans import SpanNear2
from whoosh.searching import Searcher

from compat.whoosh import block_ids_values, block_postings, next_block


@dataclass(frozen=True)
class PhraseMatch:
    """The documents holding a phrase, and each word's frequency in them."""

    docnums: np.ndarray                 # sorted
    counts: tuple[np.ndarray, ...]      # per word of the phrase: positions in each document


def phrase_docnums(reader: IndexReader, field: str, words: list[str],
                   candidates: Sequence[int] | None = None,
                   order: Sequence[int] | None = None,
                   check: Callable[[], None] | None = None) -> list[int]:
    """Return the docnums (sorted) where `words` occur consecutively in `field`."""
    return phrase_matches(reader, field, words, candidates, order, check).docnums.tolist()


def phrase_matches(reader: IndexReader, field: str, words: list[str],
                   candidates: Sequence[int] | None = None,
                   order: Sequence[int] | None = None,
                   check: Callable[[], None] | None = None) -> PhraseMatch:
    """Return the documents where `words` occur consecutively in `field`.

    `candidates` (sorted docnums) must include every document holding all the words (None:
    every document holding the first word of `order`); `order` is the order in which the
    words' positions are read, cheapest first (default: rarest first). `check` runs between
    words (a time budget).
    """
    if not words or any((field, w) not in reader for w in words):
        return _no_match(words)
    if order is None:
        order = sorted(range(len(words)), key=lambda i: reader.doc_frequency(field, words[i]))
    parts = []
    for leaf, offset in reader.leaf_readers():
        end = offset + leaf.doc_count_all()
        if candidates is None:
            local = None
        else:
            local = [d - offset for d in candidates[bisect_left(candidates, offset):
                                                    bisect_left(candidates, end)]]
            if not local:
                continue
        match = _leaf_phrase(leaf, field, words, local, order, check)
        parts.append(PhraseMatch(match.docnums + offset, match.counts))
    if not parts:
        return _no_match(words)
    return PhraseMatch(np.concatenate([m.docnums for m in parts]),
                       tuple(np.concatenate(c) for c in zip(*[m.counts for m in parts])))


def _no_match(words: list[str]) -> PhraseMatch:
    empty = np.array([], dtype=np.int64)
    return PhraseMatch(empty, tuple(empty for _ in words))


def _leaf_phrase(leaf: IndexReader, field: str, words: list[str], local: list[int] | None,
                 order: Sequence[int], check: Callable[[], None] | None) -> PhraseMatch:
    """Return the documents of one segment holding the phrase (see phrase_matches).

    Works on sorted int64 keys `docnum << 32 | phrase start`: each word's positions minus
    its index in the phrase; a start survives while every word read so far has a key there.
    """
    if any((field, w) not in leaf for w in words):
        return _no_match(words)
    fmt = leaf.schema[field].format
    docnums = None if local is None else np.array(local, dtype=np.int64)
    keys = np.array([], dtype=np.int64)
    read: dict[str, _WordPostings] = {}      # a repeated word is read once
    for rank, i in enumerate(order):
        if rank:
            if check is not None:
                check()
            docnums = _sorted_unique(keys >> 32)
        if words[i] not in read:
            read[words[i]] = _word_postings(*_postings_values(leaf, field, words[i], docnums),
                                            fmt)
        word_keys = _shifted(read[words[i]].keys, i)
        keys = word_keys if rank == 0 else keys[_isin_sorted(keys, word_keys)]
        if len(keys) == 0:
            return _no_match(words)
    found = _sorted_unique(keys >> 32)
    if leaf.has_deletions():             # the postings were read without Whoosh's filter
        found = found[[not leaf.is_deleted(int(d)) for d in found]]
    # Every word was read on (a superset of) the documents left: look their counts up.
    return PhraseMatch(found, tuple(read[w].counts[np.searchsorted(read[w].docnums, found)]
                                    for w in words))


@dataclass(frozen=True)
class _WordPostings:
    docnums: np.ndarray      # the documents read, sorted
    counts: np.ndarray       # positions of the word in each
    keys: np.ndarray         # sorted `docnum << 32 | position`


def _word_postings(docnums: np.ndarray, values: list[bytes], fmt) -> _WordPostings:
    counts, deltas = _deltas(values, fmt)
    return _WordPostings(docnums, counts, _position_keys(docnums, counts, deltas))


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """Return the distinct values of sorted `a` (np.unique would sort it again)."""
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if len(a) else a


def _shifted(keys: np.ndarray, index: int) -> np.ndarray:
    """Return position keys as phrase-start keys of a word at `index` (starts below 0 dropped)."""
    if index == 0:
        return keys
    return keys[(keys & 0xFFFFFFFF) >= index] - index


def _isin_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return a bool mask of the items of `a` found in `b` (both sorted)."""
    if len(b) == 0:
        return np.zeros(len(a), dtype=bool)
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[at] == a


def _position_keys(docnums: np.ndarray, counts: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """Return the sorted keys `docnum << 32 | position` of the postings' positions."""
    if len(deltas) == 0:
        return np.array([], dtype=np.int64)
    positions = np.cumsum(deltas)
    first = np.cumsum(counts) - counts                 # where each posting's deltas start
    positions -= np.repeat(positions[first] - deltas[first], counts)
    return (np.repeat(docnums, counts) << 32) + positions


def _deltas(values: list[bytes], fmt) -> tuple[np.ndarray, np.ndarray]:
    """Return (positions per value, all position deltas in order) of the values.

    Positions.encode writes a 4-byte count, then the pickled list of deltas; the pickles'
    bodies (after PROTO, EMPTY_LIST, BINPUT 0) only append to the list on the stack, so
    they are joined into one pickle: one C call instead of one per posting.
    """
    if type(fmt) is Positions and all(v[4:9] == _LIST_PICKLE and v[-1:] == b"." for v in values):
        joined = pickle.loads(b"".join([b"\x80\x02]", *[v[9:-1] for v in values], b"."]))
        counts = np.frombuffer(b"".join([v[:4] for v in values]), dtype=">u4")
        if int(counts.sum()) == len(joined):
            return counts.astype(np.int64), np.array(joined, dtype=np.int64)
    lists = [_as_deltas(fmt.decode_positions(v)) for v in values]
    return (np.array([len(x) for x in lists], dtype=np.int64),
            np.array([d for x in lists for d in x], dtype=np.int64))


_LIST_PICKLE = b"\x80\x02]q\x00"     # pickle protocol 2 of a list: PROTO 2, EMPTY_LIST, BINPUT 0


def _as_deltas(positions: list[int]) -> list[int]:
    return [p - q for p, q in zip(positions, [0, *positions[:-1]])]


def _postings_values(leaf: IndexReader, field: str, word: str,
                     docnums: np.ndarray | None) -> tuple[np.ndarray, list[bytes]]:
    """Return (docnums, raw values) of `word`'s postings among `docnums` (sorted; None: all).

    Reads the postings block by block: a block's ids and values are unpickled only when a
    wanted document falls in it.
    """
    m = leaf.postings(field, word)
    if isinstance(m, FilterMatcher):    # deletions: dropped by the caller
        m = m.child
    if not isinstance(m, W3LeafMatcher):
        return _matcher_values(m, docnums)
    found: list[np.ndarray] = []
    values: list[bytes] = []
    j = 0
    while m.is_active() and (docnums is None or j < len(docnums)):
        k = None if docnums is None else int(np.searchsorted(docnums, m.block_max_id(), "right"))
        if k is None or k > j:
            ids, block_values = _block(m)
            ids_arr = np.array(ids, dtype=np.int64)
            if k is None:
                found.append(ids_arr)
                values += block_values
            elif k - j == len(ids_arr) and ids_arr[0] == docnums[j] and ids_arr[-1] == docnums[k - 1]:
                found.append(ids_arr)            # every posting of the block is wanted
                values += block_values
                j = k
            else:
                wanted = docnums[j:k]
                at = np.minimum(np.searchsorted(ids_arr, wanted), len(ids_arr) - 1)
                hit = at[ids_arr[at] == wanted]
                found.append(ids_arr[hit])
                values += [block_values[x] for x in hit.tolist()]
                j = k
        next_block(m)
    return (np.concatenate(found) if found else np.array([], dtype=np.int64)), values


def _block(m: W3LeafMatcher) -> tuple[Sequence[int], Sequence[bytes]]:
    """Return the ids and values of the matcher's current block (Whoosh 2.7 codec)."""
    return block_ids_values(m)


def _matcher_values(m: Matcher, docnums: np.ndarray | None) -> tuple[np.ndarray, list[bytes]]:
    """Return (docnums, values) through the matcher interface (inlined or other postings)."""
    found, values = [], []
    wanted = iter(docnums.tolist()) if docnums is not None else None
    while m.is_active():
        if wanted is not None:
            d = next(wanted, None)
            if d is None:
                break
            if m.id() < d:
                m.skip_to(d)
                if not m.is_active():
                    break
            if m.id() != d:
                continue
        found.append(m.id())
        values.append(m.value())
        m.next()
    return np.array(found, dtype=np.int64), values


def within_docnums(q: wq.Query, searcher: Searcher, docnums: Sequence[int]) -> wq.Query:
    """Return `q` with its phrases only matching among `docnums` (sorted, top-level).

    Scores of those documents are unchanged: the phrase's words get matchers holding the
    same postings (docnum, weight, positions) there and Whoosh's own scorer for each word.
    Plain terms are left alone: restricting them too saved ~2% of the snippet time.
    """
    allowed = _per_leaf(searcher, docnums)

    def rewrite(sub: wq.Query) -> wq.Query:
        # Copies keep every attribute (Whoosh's own apply() drops Or's minmatch and scale).
        if type(sub) is wq.Phrase:
            return PhraseWithin(sub, allowed)
        if isinstance(sub, BinaryQuery):
            out = copy.copy(sub)
            out.a, out.b = rewrite(sub.a), rewrite(sub.b)
            out.subqueries = (out.a, out.b)
            return out
        if isinstance(sub, wq.compound.CompoundQuery):
            out = copy.copy(sub)
            out.subqueries = [rewrite(x) for x in sub.subqueries]
            return out
        return sub
    return rewrite(q)


Allowed = dict[int, list[int]]      # id() of a leaf searcher -> its allowed local docnums


def _per_leaf(searcher: Searcher, docnums: Sequence[int]) -> Allowed:
    """Return the docnums local to each leaf searcher, keyed by the leaf searcher's id()."""
    out = {}
    for leaf, offset in searcher.leaf_searchers():
        end = offset + leaf.doc_count_all()
        out[id(leaf)] = [d - offset for d in docnums if offset <= d < end]
    return out


class TermWithin(wq.Term):
    """A term whose matcher holds only its postings on allowed documents (phrase words)."""

    def __init__(self, fieldname: str, text, allowed: Allowed, boost: float = 1.0,
                 minquality=None) -> None:
        super().__init__(fieldname, text, boost=boost, minquality=minquality)
        self.allowed = allowed

    def matcher(self, searcher: Searcher, context=None) -> Matcher:
        """Return what `Term.matcher` returns, restricted to the allowed documents."""
        ids = self.allowed.get(id(searcher), [])
        if not ids or self.fieldname not in searcher.schema:
            return NullMatcher()
        try:
            text = searcher.schema[self.fieldname].to_bytes(self.text)
        except ValueError:
            return NullMatcher()
        if (self.fieldname, text) not in searcher.reader():
            return NullMatcher()
        # As Term.matcher and Searcher.postings choose the weighting and make the scorer:
        weighting = (context.weighting if context is not None else None) or searcher.weighting
        scorer = weighting.scorer(searcher, self.fieldname, text)
        m: Matcher = _restricted(searcher.reader().postings(self.fieldname, text), ids,
                                 searcher.schema[self.fieldname].format, scorer,
                                 (self.fieldname, text))
        if self.minquality:
            m.set_min_quality(self.minquality)
        if self.boost != 1.0:
            m = WrappingMatcher(m, boost=self.boost)
        return m


class PhraseWithin(wq.Phrase):
    """A phrase whose matcher only looks at allowed documents (see the module docstring)."""

    def __init__(self, phrase: wq.Phrase, allowed: Allowed) -> None:
        super().__init__(phrase.fieldname, list(phrase.words), slop=phrase.slop,
                         boost=phrase.boost, char_ranges=phrase.char_ranges)
        self.allowed = allowed

    def matcher(self, searcher: Searcher, context=None) -> Matcher:
        """Return what `Phrase.matcher` returns, over the words' restricted matchers."""
        if self.fieldname not in searcher.schema or not self.allowed.get(id(searcher)):
            return NullMatcher()
        field = searcher.schema[self.fieldname]
        if not field.format or not field.format.supports("positions"):
            raise wq.QueryError(f"Phrase search: {self.fieldname!r} field has no positions")
        terms = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return NullMatcher()
            if (self.fieldname, word) not in searcher.reader():
                return NullMatcher()
            terms.append(TermWithin(self.fieldname, word, self.allowed))
        m: Matcher = SpanNear2(terms, slop=self.slop, ordered=True, mindist=1).matcher(
            searcher, context)
        if self.boost != 1.0:
            m = WrappingMatcher(m, boost=self.boost)
        return m


def _restricted(m: Matcher, ids: list[int], fmt, scorer, term: tuple[str, bytes]) -> Matcher:
    """Return a ListMatcher of `m`'s postings on `ids` (sorted), scored by `scorer`.

    Reads only the blocks holding one of `ids` (their headers are still walked in order).
    """
    if isinstance(m, FilterMatcher):    # deleted documents: never among the allowed ones
        m = m.child
    found: list[int] = []
    weights: list[float] = []
    values: list = []
    if isinstance(m, W3LeafMatcher):
        j = 0
        while m.is_active() and j < len(ids):
            k = bisect_right(ids, m.block_max_id(), j)
            if k > j:
                block_ids, block_weights, block_values = block_postings(m)
                at = 0
                for d in ids[j:k]:
                    at = bisect_left(block_ids, d, at)
                    if at < len(block_ids) and block_ids[at] == d:
                        found.append(d)
                        weights.append(block_weights[at])
                        values.append(block_values[at])
                j = k
            next_block(m)
    else:
        for d in ids:
            if m.is_active() and m.id() < d:
                m.skip_to(d)
            if not m.is_active():
                break
            if m.id() == d:
                found.append(d)
                weights.append(m.weight())
                values.append(m.value())
    if not found:
        return NullMatcher()
    return ListMatcher(found, weights, values, format=fmt, scorer=scorer, term=term)
