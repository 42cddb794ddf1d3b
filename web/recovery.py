"""Rebuild a damaged index from the corpus in a child process, while the app answers 503.

search/ only reads: when it finds the live generation damaged (re-verified, see
search/engine.py) it raises IndexDamaged naming that generation. The app's error handler
then calls `IndexRecovery.request()`, which starts (at most) one thread per process; the
thread takes the index folder's recovery lock (an flock: one recovery at a time across the
`serve` worker processes, released if the process dies) and runs a full
`build_index(..., rebuild=True)` in a spawned child, like uploads (web/child_build.py), so
the server keeps answering. A NEW generation folder is written and CURRENT swapped to it.
Nothing is rebuilt if CURRENT no longer names the damaged generation (another process, or a
build, replaced it meanwhile).
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from indexer import schema as f
from indexer.records import BuildReport, Taxonomy
from web.child_build import build_in_child

log = logging.getLogger(__name__)

RECOVERY_LOCK = ".recovery.lock"
LOCKED_RETRIES = 8                 # each BuildLocked has already waited 15 s for the other build
REBUILDING_MESSAGE = ("the search index is rebuilding: damaged index files were found, and a "
                      "fresh index is being built from the documents. Try again in a few "
                      "minutes.")


class IndexRecovery:
    """The app's rebuild coordinator (lives on app.extensions["index_recovery"]).

    `outcome` says how the last recovery ended: "rebuilt", "moved-on" (CURRENT no longer
    named the damaged generation), "elsewhere" (another process held the recovery lock),
    "refused", "locked" or "error".
    """

    def __init__(self, corpus_dir: Path, index_dir: Path, taxonomy: Taxonomy,
                 retry_pause_s: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self.taxonomy = taxonomy
        self.retry_pause_s = retry_pause_s
        self.sleep = sleep                 # injected in tests
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_report: BuildReport | None = None
        self.outcome: str | None = None

    @property
    def is_rebuilding(self) -> bool:
        """Return True while a recovery thread runs."""
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def request(self, reason: str, generation: str | None = None) -> None:
        """Start recovering `generation` (the damaged one; None: whatever is current)
        unless this process is already recovering (returns at once)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            log.warning("index damaged (%s): rebuilding from %s", reason, self.corpus_dir)
            self._thread = threading.Thread(target=self.recover, args=(generation,),
                                            name="kb-index-recovery", daemon=True)
            self._thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """Wait for a running recovery to end; return False on timeout (for tests)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def recover(self, generation: str | None) -> str:
        """Rebuild if `generation` is still current, holding the recovery lock; return and
        record the outcome (runs in the recovery thread; callable directly)."""
        with _recovery_lock(self.index_dir) as held:
            self.outcome = self._rebuild(generation) if held else "elsewhere"
        if self.outcome == "elsewhere":
            log.info("another process is already recovering the index")
        return self.outcome

    def _rebuild(self, generation: str | None) -> str:
        target = generation or _current_name(self.index_dir)
        for attempt in range(LOCKED_RETRIES):
            if target is not None and _current_name(self.index_dir) != target:
                log.info("index generation %s was already replaced: nothing to recover", target)
                return "moved-on"
            outcome, value = build_in_child(self.corpus_dir, self.index_dir, self.taxonomy,
                                            rebuild=True, only_if_current=target)
            if outcome == "ok":
                self.last_report = value
                log.warning("index rebuilt: %d documents in %.1f s", value.indexed,
                            value.seconds)
                return "rebuilt"
            if outcome == "skipped":
                return "moved-on"
            if outcome != "locked":
                log.error("index recovery failed (%s): %s", outcome, value)
                return outcome
            log.info("index busy, rebuild retrying (%d/%d)", attempt + 1, LOCKED_RETRIES)
            self.sleep(self.retry_pause_s)
        log.error("index rebuild gave up: the build lock stayed busy")
        return "locked"


def _current_name(index_dir: Path) -> str | None:
    gen = f.current_generation(index_dir)
    return gen.name if gen is not None else None


@contextlib.contextmanager
def _recovery_lock(index_dir: Path) -> Iterator[bool]:
    """Try to take the index folder's recovery lock; yield whether this process has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / RECOVERY_LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
