"""The engine seam: everything that knows the index is Whoosh lives behind `Engine`.

KnowledgeBase asks an Engine for a searcher context (`reading()`), which yields a Whoosh
searcher plus the DocTable of that index generation. A distributed engine (OpenSearch)
would replace this module and the Whoosh calls in search/scoring.py and search/searching.py
(document matching and ranking, passage snippets).
"""
from __future__ import annotations

import contextlib
import pickle
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from whoosh import index as whoosh_index
from whoosh.filedb.filetables import FileFormatError
from whoosh.index import EmptyIndexError
from whoosh.searching import Searcher

from indexer import schema as f
from search.corrections import CorrectionStore
from search.doctable import DocTable, load_doc_table
from search.errors import IndexDamaged, IndexMissing
from search.spelling import Vocabulary

BUILD_HINT = "flask --app app index"
# What Whoosh raises on a damaged generation that we can name; the rest (TypeError, a bare
# Exception, or silently missing data) is caught earlier by the integrity record's sizes.
DAMAGE_ERRORS = (OSError, EOFError, struct.error, pickle.UnpicklingError, EmptyIndexError,
                 FileFormatError)


@dataclass(frozen=True)
class Reading:
    """One request's view of the index: a searcher and the matching document table."""

    searcher: Searcher
    table: DocTable
    vocabulary: Vocabulary


class Engine:
    """Opens the live index generation lazily and reopens it when a build replaces it."""

    def __init__(self, index_dir: Path, taxonomy_digest: str | None = None,
                 corrections: CorrectionStore | None = None) -> None:
        self.index_dir = index_dir
        self.taxonomy_digest = taxonomy_digest
        self.corrections = corrections     # people's corrections, overlaid on every table
        self._lock = threading.Lock()
        self._loading = threading.Lock()
        self._decoded: dict = {}     # stored document JSON -> decoded record, across reloads
        self._gen: Path | None = None
        self._ix: whoosh_index.Index | None = None
        self._tables: dict[tuple, tuple[DocTable, Vocabulary]] = {}

    @contextlib.contextmanager
    def reading(self) -> Iterator[Reading]:
        """Yield a Reading; the searcher is closed when the block ends (one per call/thread).

        Raises IndexDamaged when the live generation's files are missing, truncated or
        unreadable (checked on every call: a few stat calls), IndexMissing if there is none.
        """
        ix = self._index()
        gen = self._gen
        try:
            with ix.searcher() as searcher:
                table, vocabulary = self._table(searcher)
                yield Reading(searcher, table, vocabulary)
        except DAMAGE_ERRORS as exc:
            if gen != f.current_generation(self.index_dir):    # replaced meanwhile: not damage
                raise IndexMissing("the index was just replaced by a rebuild; try again") from exc
            raise IndexDamaged(f"the index in {gen} cannot be read "
                               f"({type(exc).__name__}: {str(exc)[:120]})") from exc

    def _index(self) -> whoosh_index.Index:
        gen = f.current_generation(self.index_dir)
        if gen is None:
            raise IndexMissing(f"no index in {self.index_dir}; build it with `{BUILD_HINT}`")
        damage = f.index_damage(gen)
        if damage:
            raise IndexDamaged(f"the index in {gen} is damaged: {damage}")
        with self._lock:
            if gen != self._gen or self._ix is None:
                self._ix = self._open(gen)
                self._gen = gen
                self._tables.clear()
            return self._ix

    def _open(self, gen: Path) -> whoosh_index.Index:
        version = f.read_version(gen)
        if version is None or version.schema != f.SCHEMA_VERSION:
            raise IndexMissing(f"the index in {self.index_dir} was built by another version; "
                               f"rebuild it with `{BUILD_HINT} --rebuild`")
        try:
            return whoosh_index.open_dir(str(gen))
        except DAMAGE_ERRORS as exc:
            raise IndexDamaged(f"the index in {gen} cannot be opened "
                               f"({type(exc).__name__}: {str(exc)[:120]})") from exc

    def _table(self, searcher: Searcher) -> tuple[DocTable, Vocabulary]:
        """Return the document table and vocabulary of the searcher's index generation."""
        overlay = self.corrections.overlay() if self.corrections is not None else None
        key = (str(self._gen), searcher.reader().generation(), overlay.version if overlay else None)
        with self._loading:          # one loader at a time; the others wait and reuse its table
            with self._lock:
                cached = self._tables.get(key)
            if cached is None:
                cached = (load_doc_table(searcher, overlay, self._decoded),
                          Vocabulary.load(Path(key[0])))
                with self._lock:
                    self._tables = {key: cached}
        return cached
