"""Errors raised by search/; app.py maps each to one HTTP status."""
from __future__ import annotations


class QueryError(ValueError):
    """The request cannot be answered as written; the message says what to fix (400)."""


class IndexMissing(RuntimeError):
    """There is no usable index yet; the message names the command to run (503)."""


class NotFound(LookupError):
    """No such document or passage visible to this viewer (404, same as missing)."""


class Hidden(NotFound):
    """A document exists but is above the viewer's clearance: answered exactly like NotFound
    (404), told apart only so the app can audit the denied access."""


class IndexDamaged(IndexMissing):
    """The live index generation has missing, truncated or unreadable files (re-verified
    after the error: its integrity record and a fresh searcher): the app rebuilds it from
    the corpus and answers 503 ("rebuilding") meanwhile. `generation` names the damaged
    generation folder, so a rebuild is skipped once CURRENT has moved on."""

    def __init__(self, message: str, generation: str | None = None) -> None:
        super().__init__(message)
        self.generation = generation


class IndexBusy(IndexMissing):
    """The index could not be read just now for a passing reason (out of file handles or
    memory, an interrupted call, an error the generation's re-verification did not
    confirm): not damage, nothing is rebuilt; the app answers 503 "busy, try again"."""


class QueryTooExpensive(QueryError):
    """The search ran past its time budget; the message asks for a narrower query (400)."""
