"""Index uploads and metadata edits at once, in one background thread per app.

`IndexQueue.request()` wakes the thread, which runs an incremental `build_index` (only new
and changed files are parsed) and then moves queued uploads to `indexed` or `failed` with
the indexer's reason. Requests that arrive during a build are served by one more build.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable

from indexer.build import BuildRefused
from indexer.records import BuildReport, Taxonomy
from search.errors import IndexDamaged, IndexMissing
from search.uploads import FAILED, INDEXED, INDEXING, QUEUED, UploadStore
from web.child_build import build_in_child

log = logging.getLogger(__name__)

LOCKED_RETRIES = 8                # BuildLocked already waited 15 s for the other build each time


class IndexQueue:
    """The app's background indexer (lives on app.extensions, started on first request)."""

    def __init__(self, corpus_dir: Path, index_dir: Path, taxonomy: Taxonomy,
                 uploads: UploadStore, retry_pause_s: float = 2.0,
                 on_built: Callable[[], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.corpus_dir = corpus_dir
        self.on_built = on_built          # e.g. load the new generation before saying "indexed"
        self.index_dir = index_dir
        self.taxonomy = taxonomy
        self.uploads = uploads
        self.retry_pause_s = retry_pause_s
        self.sleep = sleep                # injected in tests
        self._wake = threading.Condition()
        self._wanted = 0                  # requests made
        self._served = 0                  # requests covered by a finished build
        self._thread: threading.Thread | None = None
        self._resumed = False

    def request(self) -> None:
        """Ask for an index update soon (returns at once)."""
        with self._wake:
            self._wanted += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="kb-index-queue",
                                                daemon=True)
                self._thread.start()
            self._wake.notify_all()

    def resume_pending(self) -> None:
        """Once per process: re-queue uploads a crash or restart left queued or indexing."""
        if self._resumed:
            return
        self._resumed = True
        if self.uploads.with_status(QUEUED, INDEXING):
            log.info("resuming uploads left unfinished by the last run")
            self.request()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every request so far is served; return False on timeout (for tests)."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._served < self._wanted:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(left)
        return True

    def _run(self) -> None:
        """Serve requests until none is left, then let the thread end."""
        while True:
            with self._wake:
                target = self._wanted
                if self._served >= target:
                    self._thread = None
                    return
            self._build_once()
            with self._wake:
                self._served = target
                self._wake.notify_all()

    def _build_once(self) -> None:
        """Run one incremental build and settle the uploads it covered."""
        pending = self.uploads.with_status(QUEUED, INDEXING)
        self.uploads.set_status([u.id for u in pending], INDEXING)
        settled = False
        try:
            report = self._build()
            if report is not None and self.on_built is not None:
                self._warm()
            self._settle(pending, report)
            settled = True
        except BuildRefused as exc:        # nothing changed; the message says why
            log.error("index update refused: %s", exc)
            self.uploads.set_status([u.id for u in pending], FAILED, str(exc))
            settled = True
        finally:
            if not settled:       # the error itself propagates to the thread's excepthook (logged)
                self.uploads.set_status([u.id for u in pending], FAILED,
                                        "indexing stopped with an internal error (logged)")

    def _build(self) -> BuildReport | None:
        """Return the report of an incremental build; None if the index stayed locked.

        The build runs in a child process: the writer is CPU-bound Python, and in this
        (server) process it would hold the interpreter lock against every request.
        """
        for attempt in range(LOCKED_RETRIES):
            outcome, value = build_in_child(self.corpus_dir, self.index_dir, self.taxonomy)
            if outcome == "ok":
                return value
            if outcome == "refused":
                raise BuildRefused(value)
            if outcome != "locked":
                raise RuntimeError(f"the index build failed: {value}")
            log.info("index busy, retrying (%d/%d)", attempt + 1, LOCKED_RETRIES)
            self.sleep(self.retry_pause_s)
        return None

    def _warm(self) -> None:
        """Run `on_built`; a failure there is logged, the build itself succeeded."""
        try:
            self.on_built()
        except (IndexMissing, IndexDamaged) as exc:
            log.warning("could not load the new index generation: %s", exc)

    def _settle(self, pending, report: BuildReport | None) -> None:
        """Mark each pending upload indexed, or failed with the indexer's reason."""
        if report is None:
            self.uploads.set_status([u.id for u in pending], FAILED,
                                    "the index stayed busy with another build; upload again later")
            return
        failures = {f.path: f.reason for f in report.failed}
        for u in pending:
            if u.rel in failures:
                self.uploads.set_status([u.id], FAILED, failures[u.rel])
            elif (self.corpus_dir / u.rel).is_file():
                self.uploads.set_status([u.id], INDEXED)
            else:
                self.uploads.set_status([u.id], FAILED, "the file is gone from the corpus folder")

