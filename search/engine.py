"""The engine seam: everything that knows the index is Whoosh lives behind `Engine`.

KnowledgeBase asks an Engine for a searcher context (`reading()`), which yields a Whoosh
searcher plus the DocTable of that index generation. A distributed engine (OpenSearch)
would replace this module and the Whoosh calls in search/scoring.py and search/searching.py
(document matching and ranking, passage snippets).

Each upload commits a new Whoosh generation (a new segment). The engine keeps a *snapshot*
(the segment list of one generation and its DocTable) and serves it until the next one is
loaded: one thread loads the new snapshot while requests arriving meanwhile keep reading the
previous one, so nobody waits for a reload after an upload. Reloads read only new segments.
"""
from __future__ import annotations

import contextlib
import errno
import gc
import logging
import pickle
import struct
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from whoosh import index as whoosh_index
from whoosh.filedb.filetables import FileFormatError
from whoosh.index import TOC, EmptyIndexError
from whoosh.searching import Searcher

from compat.whoosh import commit_reader, index_schema
from indexer import schema as f
from search.corrections import CorrectionStore, DocOverlay
from search.doctable import DocTable, PostingsCache, SegmentParts, load_doc_table
from search.errors import IndexBusy, IndexDamaged, IndexMissing
from search.spelling import Vocabulary

BUILD_HINT = "flask --app app index"
# What Whoosh raises on a damaged generation that we can name; the rest (TypeError, a bare
# Exception, or silently missing data) is caught earlier by the integrity record's sizes.
DAMAGE_ERRORS = (OSError, EOFError, struct.error, pickle.UnpicklingError, EmptyIndexError,
                 FileFormatError)
# OSErrors that say something about the process or the machine, never about the files.
BUSY_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.EINTR})
BUSY_MESSAGE = "the server is busy; try again in a few seconds"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reading:
    """One request's view of the index: a searcher and the matching document table."""

    searcher: Searcher
    table: DocTable
    vocabulary: Vocabulary


@dataclass(frozen=True)
class _Snapshot:
    """One Whoosh generation of one index folder, with its document table."""

    folder: Path
    toc: TOC
    overlay_version: tuple | None
    table: DocTable
    vocabulary: Vocabulary
    searchers: "SearcherPool"

    def serves(self, folder: Path, generation: int, overlay_version: tuple | None) -> bool:
        return (self.folder, self.toc.generation, self.overlay_version) == (
            folder, generation, overlay_version)


class SearcherPool:
    """Idle searchers over one snapshot's segments, each used by one request at a time.

    Opening a searcher reads every segment's term table header and, on first use, column
    offsets; reusing searchers saves that per request (more so with several segments).
    """

    MAX_IDLE = 32

    def __init__(self, ix: whoosh_index.Index, toc: TOC) -> None:
        self._ix = ix
        self._toc = toc
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()
        self._closed = False

    def take(self) -> Searcher:
        """Return an idle searcher, or a new one."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return Searcher(commit_reader(self._ix, self._toc), fromindex=self._ix)

    def give(self, searcher: Searcher, reusable: bool) -> None:
        """Take `searcher` back for reuse, or close it."""
        with self._lock:
            if reusable and not self._closed and len(self._idle) < self.MAX_IDLE:
                self._idle.append(searcher)
                return
        searcher.close()

    def close(self) -> None:
        """Close the idle searchers; searchers in use are closed when given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()


class Engine:
    """Opens the live index generation lazily and reopens it when a build replaces it."""

    def __init__(self, index_dir: Path, taxonomy_digest: str | None = None,
                 corrections: CorrectionStore | None = None) -> None:
        self.index_dir = index_dir
        self.taxonomy_digest = taxonomy_digest
        self.corrections = corrections     # people's corrections, overlaid on every table
        self._lock = threading.Lock()
        self._loading = threading.Lock()
        self._gen: Path | None = None
        self._ix: whoosh_index.Index | None = None
        self._current: _Snapshot | None = None
        self._parts: SegmentParts = {}                 # per segment id, across generations
        self._segment_postings = PostingsCache()       # per segment id, across generations

    @contextlib.contextmanager
    def reading(self) -> Iterator[Reading]:
        """Yield a Reading; its searcher serves only this block (then other requests).

        Raises IndexDamaged when the live generation's files are missing, truncated or
        unreadable (its integrity record is checked on every call: a few stat calls; any
        other read error is damage only once `verify_generation` confirms it), IndexBusy for
        a passing error (out of file handles or memory...), IndexMissing if there is none.
        """
        gen: Path | None = None
        try:
            ix, gen = self._index()
            snap = self._snapshot(ix, gen, wait=False)
            searcher = snap.searchers.take()
            failed = False
            try:
                yield Reading(searcher, snap.table, snap.vocabulary)
            except DAMAGE_ERRORS:
                failed = True
                raise
            finally:            # refused queries, missing pages: the searcher is intact
                snap.searchers.give(searcher, reusable=not failed)
        except DAMAGE_ERRORS as exc:
            raise self._read_error(exc, gen) from exc

    def refresh(self) -> None:
        """Load the latest generation's table now (after a build), waiting for it."""
        gen: Path | None = None
        try:
            ix, gen = self._index()
            self._snapshot(ix, gen, wait=True)
        except DAMAGE_ERRORS as exc:
            raise self._read_error(exc, gen) from exc

    def _read_error(self, exc: BaseException, gen: Path | None) -> IndexMissing:
        """Return what a read error of generation `gen` means: busy, replaced or damaged."""
        if _is_busy(exc) or gen is None:
            return IndexBusy(f"{BUSY_MESSAGE} ({type(exc).__name__}: {str(exc)[:80]})")
        try:
            if gen != f.current_generation(self.index_dir):    # replaced meanwhile: not damage
                return IndexMissing("the index was just replaced by a rebuild; try again")
            problem = verify_generation(gen)
        except OSError as again:                        # busy again: proves nothing
            return IndexBusy(f"{BUSY_MESSAGE} ({type(again).__name__}: {str(again)[:80]})")
        if problem is None:
            log.warning("read error on %s not confirmed by a fresh check (not damage): %s: %s",
                        gen.name, type(exc).__name__, exc)
            return IndexBusy(f"the index could not be read just now; try again "
                             f"({type(exc).__name__})")
        return IndexDamaged(f"the index in {gen} cannot be read ({problem})", gen.name)

    def _index(self) -> tuple[whoosh_index.Index, Path]:
        gen = f.current_generation(self.index_dir)
        if gen is None:
            raise IndexMissing(f"no index in {self.index_dir}; build it with `{BUILD_HINT}`")
        damage = f.index_damage(gen)
        if damage:
            raise IndexDamaged(f"the index in {gen} is damaged: {damage}", gen.name)
        with self._lock:
            if gen != self._gen or self._ix is None:
                self._ix = self._open(gen)
                self._gen = gen
            return self._ix, gen

    def _open(self, gen: Path) -> whoosh_index.Index:
        version = f.read_version(gen)
        if version is None or version.schema != f.SCHEMA_VERSION:
            raise IndexMissing(f"the index in {self.index_dir} was built by another version; "
                               f"rebuild it with `{BUILD_HINT} --rebuild`")
        return whoosh_index.open_dir(str(gen))        # errors: classified by the caller

    def _snapshot(self, ix: whoosh_index.Index, gen: Path, wait: bool) -> _Snapshot:
        """Return the snapshot to read: the latest one, or - while another thread loads the
        latest generation of the same folder - the previous one (never across a rebuild
        into a new folder or a change of corrections: those wait)."""
        overlay = self.corrections.overlay() if self.corrections is not None else None
        version = overlay.version if overlay is not None else None
        latest = ix.latest_generation()
        snap = self._current
        if snap is not None and snap.serves(gen, latest, version):
            return snap
        stale_ok = (not wait and snap is not None and snap.folder == gen
                    and snap.overlay_version == version)
        if not self._loading.acquire(blocking=not stale_ok):
            return snap                 # another thread is loading the new generation
        try:
            snap = self._current
            if snap is not None and snap.serves(gen, latest, version):
                return snap             # loaded while this thread waited
            previous, snap = self._current, self._load(ix, gen, overlay)
            self._current = snap
            if previous is not None:
                previous.searchers.close()
            del previous
            _refreeze()
            return snap
        finally:
            self._loading.release()

    def _load(self, ix: whoosh_index.Index, gen: Path, overlay: DocOverlay | None) -> _Snapshot:
        """Read generation `gen`'s latest commit into a new snapshot."""
        if self._current is None or self._current.folder != gen:    # a rebuilt folder
            self._parts.clear()
            self._segment_postings = PostingsCache()
        toc = TOC.read(ix.storage, ix.indexname, schema=index_schema(ix))
        with Searcher(commit_reader(ix, toc), fromindex=ix) as searcher:
            table = load_doc_table(searcher, overlay, self._parts, self._segment_postings)
        snap = _Snapshot(gen, toc, overlay.version if overlay is not None else None, table,
                         Vocabulary.load(gen), SearcherPool(ix, toc))
        weakref.finalize(snap, snap.searchers.close)       # an engine dropped without closing
        return snap


def _is_busy(exc: BaseException) -> bool:
    """Return True for an OSError about the process or machine (EMFILE, ENOMEM...)."""
    return isinstance(exc, OSError) and exc.errno in BUSY_ERRNOS


def verify_generation(gen: Path) -> str | None:
    """Return what is wrong with generation `gen` ("MAIN_x.pst is missing", "EOFError: ..."),
    or None if its integrity record holds and a fresh searcher reads every segment.

    A fresh searcher opens every segment's files anew (the failing one may hold a stale or
    exhausted handle); it reads the document ids and one stored record per segment, which
    touches the term tables, postings, columns and stored fields. A busy error (EMFILE...)
    propagates: it proves nothing either way.
    """
    damage = f.index_damage(gen)
    if damage:
        return damage
    try:
        with whoosh_index.open_dir(str(gen)).searcher() as searcher:
            ids = list(searcher.document_numbers(**{f.KIND: f.KIND_DOC}))
            for leaf, offset in searcher.reader().leaf_readers():
                count = leaf.doc_count_all()
                if count:
                    leaf.stored_fields(count - 1)
                    if leaf.has_column(f.DOC_ID):
                        column = leaf.column_reader(f.DOC_ID)
                        for n in ids:
                            if offset <= n < offset + count:
                                column[n - offset]
    except DAMAGE_ERRORS as exc:
        if _is_busy(exc):
            raise
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    return None


def _refreeze() -> None:
    """Collect what the previous reloads left, then freeze what is alive (after a reload).

    The table is hundreds of thousands of long-lived objects; frozen (gc.freeze), full
    collections do not walk them (~0.25 s at 10k documents, inside some request). But
    frozen objects are never collected: a replaced snapshot's searchers and table parts
    that sit in reference cycles would stay forever (RSS +19% over 20 uploads). So each
    reload unfreezes, collects once (in the loading thread) and freezes again. A snapshot
    still in use by a request during this reload is frozen once more and collected at the
    next one: at most one replaced snapshot outlives its reload.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
