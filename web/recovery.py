"""Rebuild a damaged index from the corpus in the background, while the app answers 503.

search/ only reads: when it finds the live generation damaged it raises IndexDamaged. The
app's error handler then calls `IndexRecovery.request()`, which starts (at most) one thread
running a full `build_index(..., rebuild=True)`: a NEW generation folder is written and
CURRENT swapped to it, so searches work again as soon as it finishes.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from indexer.build import BuildLocked, build_index
from indexer.records import BuildReport, Taxonomy

log = logging.getLogger(__name__)

LOCKED_RETRIES = 8                 # each BuildLocked has already waited 15 s for the other build
REBUILDING_MESSAGE = ("the search index is rebuilding: damaged index files were found, and a "
                      "fresh index is being built from the documents. Try again in a few "
                      "minutes.")


class IndexRecovery:
    """The app's rebuild coordinator (lives on app.extensions["index_recovery"])."""

    def __init__(self, corpus_dir: Path, index_dir: Path, taxonomy: Taxonomy,
                 retry_pause_s: float = 2.0) -> None:
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self.taxonomy = taxonomy
        self.retry_pause_s = retry_pause_s
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_report: BuildReport | None = None

    @property
    def is_rebuilding(self) -> bool:
        """Return True while a rebuild thread runs."""
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def request(self, reason: str) -> None:
        """Start a rebuild unless one is already running (returns at once)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            log.warning("index damaged (%s): rebuilding from %s", reason, self.corpus_dir)
            self._thread = threading.Thread(target=self._rebuild, name="kb-index-recovery",
                                            daemon=True)
            self._thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """Wait for a running rebuild to end; return False on timeout (for tests)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _rebuild(self) -> None:
        for attempt in range(LOCKED_RETRIES):
            try:
                self.last_report = build_index(self.corpus_dir, self.index_dir, self.taxonomy,
                                               rebuild=True)
                log.warning("index rebuilt: %d documents in %.1f s", self.last_report.indexed,
                            self.last_report.seconds)
                return
            except BuildLocked:
                log.info("index busy, rebuild retrying (%d/%d)", attempt + 1, LOCKED_RETRIES)
                time.sleep(self.retry_pause_s)
        log.error("index rebuild gave up: the build lock stayed busy")
