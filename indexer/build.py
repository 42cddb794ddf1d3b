"""Build or update the index from a corpus folder: `build_index` is the one entry point.

Parsing and tagging run in worker processes (both cores, a time and memory limit per
file); this process only writes. Updates are incremental against a manifest of file
stamps and content hashes; a full rebuild writes a new generation folder and swaps the
CURRENT pointer atomically.
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import fcntl
import logging
import os
import pickle
import shutil
import struct
import time
from collections import deque
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from pebble import ProcessExpired, ProcessPool
from whoosh import index as whoosh_index
from whoosh.filedb.filetables import FileFormatError
from whoosh.query import Term
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from indexer import schema as f
from indexer.records import BuildReport, Failure, Taxonomy, WriterInput
from indexer.segments import SegmentFlushWriter
from indexer.storage import GracefulStorage
from indexer.scan import (CorpusFile, ManifestEntry, ScanResult, read_manifest, scan_corpus,
                          write_manifest)
from indexer.worker import init_worker, parse_in_worker

log = logging.getLogger(__name__)

FILE_TIMEOUT_S = 60.0
WORKER_MEMORY_BYTES = 2 * 1024 ** 3
LOCK_FILE = ".build.lock"
LOCK_WAIT_S = 15.0
# A build writes one segment per SEGMENT_RECORDS records and a full build never merges
# them: the writer keeps a segment's postings in memory (indexer/segments.py), and merging
# big segments costs more than it gains (bench/README.md). Segments hold more than 2**15
# records so that Whoosh stores their stored-field offsets (below that, every searcher
# rebuilds them in Python on first use: ~3 ms per segment per request).
# Incremental updates (uploads) add a small segment each; once MERGE_AT_SEGMENTS small ones
# exist, an update merges them (only them), and the merged-away files are deleted after a
# grace period (indexer/storage.py): searchers opened earlier read them lazily.
SEGMENT_RECORDS = 68_000
SMALL_SEGMENT_RECORDS = 2_000
MERGE_AT_SEGMENTS = 16
IN_FLIGHT = 600                     # files scheduled ahead of the writer...
IN_FLIGHT_BYTES = 32 * 1024 ** 2    # ...and their total size
FRESH_NS = 2 * 10**9                # files modified this recently are re-checked next run
# What a damaged generation raises when opened or read (Whoosh has no error type of its own
# for most of these); integrity records catch what passes silently (see schema.py).
DAMAGE_ERRORS = (OSError, EOFError, struct.error, pickle.UnpicklingError,
                 whoosh_index.EmptyIndexError, FileFormatError)

# OSErrors about the process or machine (not the files): never a reason to rebuild.
BUSY_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.EINTR})

Progress = Callable[[int, int], None]


class BuildLocked(Exception):
    """Another build holds the index's build lock."""


class BuildRefused(Exception):
    """The build would empty the index or drop most of it; nothing was changed.

    Raised for a missing or empty corpus folder (an unmounted share looks like one) and for
    a build that would remove or fail more than half of the documents indexed now (a bug
    or a library upgrade failing every file). `force=True` (`--force`) builds anyway.
    """


FORCE_HINT = "run `flask --app app index --force` if this is what you want"


@dataclass
class _Tally:
    """Counters for the report, filled while the build runs."""

    indexed: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    passages: int = 0
    failed: list[Failure] = field(default_factory=list)
    vocabulary: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)     # ids of documents written
    dropped: set[str] = field(default_factory=set)     # ids of indexed documents removed


@dataclass(frozen=True)
class _Limits:
    """Per-file limits of the parse workers."""

    timeout_s: float = FILE_TIMEOUT_S
    memory_bytes: int = WORKER_MEMORY_BYTES


def build_index(corpus_dir: Path, index_dir: Path, taxonomy: Taxonomy, *, rebuild: bool = False,
                workers: int = 2, progress: Progress | None = None,
                file_timeout_s: float = FILE_TIMEOUT_S,
                memory_bytes: int = WORKER_MEMORY_BYTES, force: bool = False) -> BuildReport:
    """Index `corpus_dir` into `index_dir` and return what happened.

    Only new and changed files are parsed; files gone from the corpus are removed. A full
    rebuild happens when asked, when there is no index yet, when the index was built
    with another schema or taxonomy, or when the live generation is damaged (missing or
    truncated files). Raises BuildLocked if another build is running, and BuildRefused
    (nothing changed) for a missing or empty corpus folder or a build that would remove or
    fail more than half of the indexed documents, unless `force`. Any error other than a
    file's expected failure (a bug) propagates, with CURRENT and the live generation as
    they were.
    """
    started = time.monotonic()
    index_dir.mkdir(parents=True, exist_ok=True)
    limits = _Limits(file_timeout_s, memory_bytes)
    if not corpus_dir.is_dir() and not force:
        raise BuildRefused(f"the corpus folder {corpus_dir} does not exist (not mounted?): "
                           f"nothing was changed; {FORCE_HINT} (it empties the index)")
    with _build_lock(index_dir):
        version = f.IndexVersion(f.SCHEMA_VERSION, f.LANGUAGES, taxonomy.digest)
        gen = f.current_generation(index_dir)
        _remove_unfinished_generations(index_dir, gen)
        full = (rebuild or gen is None or f.read_version(gen) != version
                or _is_damaged(gen))
        previous = _live_ids(gen) if full and gen is not None else None
        target = _new_generation(index_dir) if full else gen
        try:
            tally = _update(corpus_dir, target, taxonomy, workers, progress, fresh=full,
                            limits=limits, previous=previous, force=force)
        except BaseException:
            if full:        # never versioned, never live: nothing may read it
                shutil.rmtree(target, ignore_errors=True)
            raise
        if full:
            f.write_version(target, version)
            _swap_pointer(index_dir, target)
            _remove_old_generations(index_dir, keep={target.name, gen.name if gen else ""})
    return BuildReport(indexed=tally.indexed, updated=tally.updated, removed=tally.removed,
                       unchanged=tally.unchanged, failed=tuple(tally.failed),
                       seconds=round(time.monotonic() - started, 2), rebuilt=full,
                       passages=tally.passages)


def _is_damaged(gen: Path) -> bool:
    """Return True if the generation's files are missing or truncated, or it fails to open."""
    damage = f.index_damage(gen)
    if damage:
        log.warning("index generation %s is damaged (%s): rebuilding", gen.name, damage)
        return True
    try:
        with whoosh_index.open_dir(gen).searcher() as s:
            _indexed_ids(s)
    except DAMAGE_ERRORS as exc:
        if isinstance(exc, OSError) and exc.errno in BUSY_ERRNOS:
            raise                   # out of file handles or memory: says nothing of the files
        log.warning("index generation %s cannot be read (%s): rebuilding", gen.name, exc)
        return True
    return False


def _live_ids(gen: Path) -> set[str]:
    """Return the ids of the documents a generation serves, from its manifest (written with
    every build's commit; the index itself may be the damaged one being replaced)."""
    return {k for k, v in read_manifest(gen / f.MANIFEST_FILE).items() if not v.failure}


def _refuse_losses(lost: set[str], previous: set[str], force: bool) -> None:
    """Raise BuildRefused if the build would drop more than half of `previous`."""
    if force or not previous or 2 * len(lost) <= len(previous):
        return
    raise BuildRefused(f"this build would remove or fail {len(lost)} of the {len(previous)} "
                       f"indexed documents (e.g. {', '.join(sorted(lost)[:3])}): nothing was "
                       f"changed. Check the build's errors or the corpus folder; {FORCE_HINT}")


def _update(corpus_dir: Path, gen: Path, taxonomy: Taxonomy, workers: int,
            progress: Progress | None, fresh: bool, limits: _Limits,
            previous: set[str] | None = None, force: bool = False) -> _Tally:
    """Bring the generation folder `gen` in line with the corpus; return the counts.

    `previous` (a fresh generation's) or the ids `gen` holds (an update's) are the
    documents indexed now: before committing, the build is refused if it would lose more
    than half of them (unless `force`).
    """
    fresh_before = time.time_ns() - FRESH_NS
    scan = scan_corpus(corpus_dir) if corpus_dir.is_dir() else ScanResult((), ())
    if not scan.files and not scan.refused and not force:
        raise BuildRefused(f"the corpus folder {corpus_dir} is empty (not mounted?): nothing "
                           f"was changed; {FORCE_HINT} (it empties the index)")
    ix = (whoosh_index.create_in(gen, f.build_schema()) if fresh
          else GracefulStorage(gen).open_index())    # merged-away files outlive readers
    manifest = {} if fresh else read_manifest(gen / f.MANIFEST_FILE)
    with ix.searcher() as s:
        indexed_ids = _indexed_ids(s)
    if previous is None:
        previous = set() if fresh else indexed_ids
    tally = _Tally(failed=list(scan.refused), vocabulary=set() if fresh else _read_vocabulary(gen))
    current = {c.doc_id: c for c in scan.files}
    todo = [c for c in scan.files if _needs_parse(c, manifest, indexed_ids, tally, fresh_before)]
    gone = sorted(indexed_ids - current.keys())
    _refuse_losses(set(gone), previous, force)       # before parsing anything
    new_manifest = {k: v for k, v in manifest.items() if k in current}
    if todo or gone:
        writer = _writer(ix)
        try:
            for doc_id in gone:
                writer.delete_by_term(f.DOC_ID, doc_id)
                new_manifest.pop(doc_id, None)
                tally.removed += 1
                tally.dropped.add(doc_id)
            for c, result in _parse_all(todo, corpus_dir, taxonomy, workers, progress, limits):
                _apply(writer, c, result, indexed_ids, new_manifest, tally, fresh_before)
                if writer.doc_count() >= SEGMENT_RECORDS:
                    writer.commit(merge=False)
                    writer = _writer(ix)
            _refuse_losses(previous - tally.written if fresh else tally.dropped, previous,
                           force)
        except BaseException:
            writer.cancel()
            raise
        if fresh:
            writer.commit(merge=False)
        else:
            writer.commit(mergetype=merge_small_segments)
    else:
        _refuse_losses(previous - tally.written if fresh else tally.dropped, previous, force)
    f.write_integrity(gen, ix.latest_generation())
    write_manifest(gen / f.MANIFEST_FILE, new_manifest)
    _write_vocabulary(gen, tally.vocabulary)
    return tally


def merge_small_segments(writer: SegmentWriter, segments: list) -> list:
    """Whoosh merge policy: merge the small (upload) segments into the one being written
    once MERGE_AT_SEGMENTS of them exist; return the segments kept as they are."""
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT_RECORDS]
    if len(small) < MERGE_AT_SEGMENTS:
        return segments
    for segment in small:
        with SegmentReader(writer.storage, writer.schema, segment) as reader:
            writer.add_reader(reader)
    return [s for s in segments if s not in small]


def _indexed_ids(searcher) -> set[str]:
    """Return the ids of the live (not deleted) document records.

    The term lexicon still lists deleted documents until segments merge, so read the DOC_ID
    column of the records a query for document records matches.
    """
    records = set(searcher.docs_for_query(Term(f.KIND, f.KIND_DOC)))
    ids = set()
    for leaf, offset in searcher.reader().leaf_readers():
        if leaf.has_column(f.DOC_ID):
            column = leaf.column_reader(f.DOC_ID)
            ids.update(column[n - offset] for n in records
                       if offset <= n < offset + leaf.doc_count_all())
    return {v.decode() if isinstance(v, bytes) else v for v in ids}


def _needs_parse(c: CorpusFile, manifest: dict[str, ManifestEntry], indexed: set[str],
                 tally: _Tally, fresh_before: int) -> bool:
    """Return True if `c` must be parsed; count it as unchanged (or failed again) otherwise.

    A file recorded while it was fresh (modified within FRESH_NS of its parse) may have
    changed again within the same timestamp tick, so its stamp alone is not trusted: its
    content hash must still match, else it is parsed again.
    """
    entry = manifest.get(c.doc_id)
    if entry is None or entry.stamp != c.stamp() or entry.rel != c.rel:
        return True
    if not entry.verified:
        if entry.failure or _content_hash(c.path) != entry.content_hash:
            return True
        manifest[c.doc_id] = dataclasses.replace(entry, verified=c.mtime_ns < fresh_before)
    if entry.failure:
        tally.failed.append(Failure(c.rel, entry.failure))
        return False
    if c.doc_id not in indexed:
        return True
    tally.unchanged += 1
    return False


def _content_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes ("" if it cannot be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _apply(writer: SegmentWriter, c: CorpusFile, result: WriterInput | Failure,
           indexed_ids: set[str], manifest: dict[str, ManifestEntry], tally: _Tally,
           fresh_before: int) -> None:
    """Write one parse result (or record its failure) and update the counts."""
    verified = c.mtime_ns < fresh_before and (c.sidecar_mtime_ns or 0) < fresh_before
    was_indexed = c.doc_id in indexed_ids
    if was_indexed:
        writer.delete_by_term(f.DOC_ID, c.doc_id)
    if isinstance(result, Failure):
        tally.failed.append(result)
        if was_indexed:
            tally.removed += 1
            tally.dropped.add(c.doc_id)
        manifest[c.doc_id] = ManifestEntry(c.rel, c.stamp(), "", result.reason, verified)
        return
    for record in result.records:
        writer.add_document(**record)
    manifest[c.doc_id] = ManifestEntry(c.rel, c.stamp(), result.content_hash, None, verified)
    tally.passages += result.passages
    tally.vocabulary |= result.vocabulary
    tally.written.add(c.doc_id)
    if was_indexed:
        tally.updated += 1
    else:
        tally.indexed += 1


def _parse_all(files: list[CorpusFile], corpus_dir: Path, taxonomy: Taxonomy, workers: int,
               progress: Progress | None, limits: _Limits = _Limits(),
               ) -> Iterator[tuple[CorpusFile, WriterInput | Failure]]:
    """Yield each file with its parse result, parsed in worker processes, in input order.

    Files are scheduled ahead of the writer (so the workers go on while it flushes a
    segment), at most IN_FLIGHT of them and IN_FLIGHT_BYTES of their sizes, which bounds
    the memory their results hold.
    """
    if not files:
        return
    pool = ProcessPool(max_workers=max(1, workers), initializer=init_worker,
                       initargs=(taxonomy, limits.memory_bytes))
    pending: deque = deque()
    try:
        queue = deque(files)
        held = 0
        for done in range(1, len(files) + 1):
            while queue and (not pending or (len(pending) < IN_FLIGHT
                                             and held + queue[0].size <= IN_FLIGHT_BYTES)):
                c = queue.popleft()
                pending.append((c, _schedule(pool, c, corpus_dir, limits.timeout_s)))
                held += c.size
            c, fut = pending.popleft()
            held -= c.size
            yield c, _result(c, fut, limits.timeout_s)
            if progress:
                progress(done, len(files))
    finally:
        # Stopped early (the writer failed, the build was interrupted): drop the files
        # scheduled ahead instead of waiting for them (closing waits for every one).
        if pending:
            pool.stop()
        else:
            pool.close()
        pool.join()


def _schedule(pool: ProcessPool, c: CorpusFile, corpus_dir: Path,
              timeout_s: float = FILE_TIMEOUT_S):
    """Schedule one file's parse with the per-file time limit; return its future."""
    return pool.schedule(parse_in_worker, args=(c, corpus_dir), timeout=timeout_s)


def _result(c: CorpusFile, fut, timeout_s: float = FILE_TIMEOUT_S) -> WriterInput | Failure:
    """Return a finished future's result, mapping worker deaths and timeouts to a Failure."""
    try:
        return fut.result()
    except FutureTimeout:
        return Failure(c.rel, f"parsing took longer than {timeout_s:g} s (stopped)")
    except ProcessExpired as exc:
        return Failure(c.rel, f"the parser process died (exit code {exc.exitcode})")
    except MemoryError:
        return Failure(c.rel, "parsing needs more memory than the limit allows")


def _read_vocabulary(gen: Path) -> set[str]:
    """Return the words recorded by earlier builds (only grows; stale words are harmless)."""
    try:
        return set((gen / f.VOCABULARY_FILE).read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()


def _write_vocabulary(gen: Path, vocabulary: set[str]) -> None:
    """Write the vocabulary atomically."""
    tmp = gen / (f.VOCABULARY_FILE + ".tmp")
    tmp.write_text("\n".join(sorted(vocabulary)), encoding="utf-8")
    os.replace(tmp, gen / f.VOCABULARY_FILE)


def _writer(ix: whoosh_index.Index) -> SegmentWriter:
    """Return a writer; non-compound segments make opening a searcher nearly free."""
    return SegmentFlushWriter(ix, compound=False)


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive, crash-safe lock (flock dies with the process) for one build."""
    with open(index_dir / LOCK_FILE, "a+") as fh:
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:     # a killed build's worker processes may hold it for a moment longer
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BuildLocked(f"another index build is running on {index_dir}") from None
                time.sleep(0.1)
        _clear_stale_whoosh_locks(index_dir)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _clear_stale_whoosh_locks(index_dir: Path) -> None:
    """Remove Whoosh write locks left by a killed build (we hold the build lock, so none is live)."""
    for lock in index_dir.glob("gen-*/*_WRITELOCK"):
        lock.unlink(missing_ok=True)


def _new_generation(index_dir: Path) -> Path:
    """Create and return an empty, uniquely named generation folder."""
    gen = index_dir / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    gen.mkdir()
    return gen


def _swap_pointer(index_dir: Path, gen: Path) -> None:
    """Point CURRENT at `gen` atomically."""
    tmp = index_dir / (f.POINTER_FILE + ".tmp")
    tmp.write_text(gen.name, encoding="utf-8")
    os.replace(tmp, index_dir / f.POINTER_FILE)


def _remove_unfinished_generations(index_dir: Path, live: Path | None) -> None:
    """Delete generation folders a killed rebuild left (never versioned, never live)."""
    for gen in index_dir.glob("gen-*"):
        if gen != live and gen.is_dir() and not (gen / f.VERSION_FILE).exists():
            shutil.rmtree(gen, ignore_errors=True)


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Delete generation folders other than `keep` (the new one and the one just replaced)."""
    for gen in index_dir.glob("gen-*"):
        if gen.name not in keep and gen.is_dir():
            shutil.rmtree(gen, ignore_errors=True)
