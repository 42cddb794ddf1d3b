"""Tag corrections and marking changes made by people, and the overlay that applies them.

Both are append-only histories in the app database (who, what, when, why). The overlay
is applied when a generation's DocTable is built, so it overrides the automatic tags in
hits, facets and document pages and survives any rebuild of the index. A recorded marking
change can only make a document *more* restricted than its indexed marking: a lowered
marking takes effect once the sidecar is re-indexed, a raised one at once.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Mapping

from indexer.records import IndexedDocument, Marking, TagHit
from search.db import Database

TAG_ACTIONS = ("confirm", "reject", "add")
TAG_GROUPS = ("loe", "principle")


class CorrectionError(ValueError):
    """A correction cannot be recorded as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class TagCorrection:
    """A person's decision about one tag of one document."""

    id: int
    doc_id: str
    group: str
    tag: str
    action: str                        # "confirm" | "reject" | "add"
    reason: str
    actor: str
    at: float

    @property
    def when(self) -> str:
        """Return the time as ISO 8601 UTC, to the second."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.at))


@dataclass(frozen=True, slots=True)
class MarkingChange:
    """A person's change of one document's marking."""

    id: int
    doc_id: str
    old: Marking
    new: Marking
    reason: str
    actor: str
    at: float

    @property
    def when(self) -> str:
        """Return the time as ISO 8601 UTC, to the second."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.at))


@dataclass(frozen=True)
class DocOverlay:
    """The latest decision per (document, tag) and the latest marking per document."""

    version: tuple[int, int] = (0, 0)
    tags: Mapping[str, tuple[TagCorrection, ...]] = field(default_factory=dict)
    markings: Mapping[str, Marking] = field(default_factory=dict)

    def apply(self, doc: IndexedDocument) -> IndexedDocument:
        """Return `doc` with corrected tags and a marking no lower than the recorded one."""
        decisions = self.tags.get(doc.doc_id, ())
        marking = self.markings.get(doc.doc_id)
        if not decisions and marking is None:
            return doc
        tags = list(doc.tags)
        for c in decisions:
            present = any(t.tag == c.tag and t.group == c.group for t in tags)
            if c.action == "reject":
                tags = [t for t in tags if not (t.tag == c.tag and t.group == c.group)]
            elif not present:          # "add", or "confirm" of a tag a rebuild no longer gives
                tags.append(TagHit(tag=c.tag, group=c.group, score=0.0))
        meta = doc.meta
        if marking is not None and marking > meta.marking:
            meta = dataclasses.replace(meta, marking=marking)
        return dataclasses.replace(doc, tags=tuple(tags), meta=meta)


def _marking(value: str) -> Marking:
    """Return a stored marking; an unreadable value means the most restrictive one."""
    return Marking.__members__.get(str(value).upper(), Marking.RESTRICTED)


class CorrectionStore:
    """Records corrections and serves the overlay, rebuilt only when the history grew."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._cached = DocOverlay(version=(-1, -1))

    def correct_tag(self, doc_id: str, group: str, tag: str, action: str, reason: str,
                    actor: str) -> TagCorrection:
        """Record a tag decision; raise CorrectionError for a bad group/action or no reason."""
        if group not in TAG_GROUPS or action not in TAG_ACTIONS:
            raise CorrectionError(f"unknown tag group or action {group!r}/{action!r}")
        reason = " ".join(reason.split())[:500]
        if not reason:
            raise CorrectionError("say why: a reason is required for every tag correction")
        now = time.time()
        with self.db.connect() as conn:
            cur = conn.execute("INSERT INTO tag_corrections (doc_id, grp, tag, action, reason, "
                               "actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (doc_id, group, tag, action, reason, actor, now))
        return TagCorrection(int(cur.lastrowid or 0), doc_id, group, tag, action, reason, actor, now)

    def change_marking(self, doc_id: str, old: Marking, new: Marking, reason: str,
                       actor: str) -> MarkingChange:
        """Record a marking change (permission checks are the caller's)."""
        reason = " ".join(reason.split())[:500]
        now = time.time()
        with self.db.connect() as conn:
            cur = conn.execute("INSERT INTO marking_changes (doc_id, old, new, reason, actor, at) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               (doc_id, old.name, new.name, reason, actor, now))
        return MarkingChange(int(cur.lastrowid or 0), doc_id, old, new, reason, actor, now)

    def tag_history(self, doc_id: str) -> tuple[TagCorrection, ...]:
        """Return the tag corrections of one document, newest first."""
        with self.db.connect() as conn:
            rows = conn.execute("SELECT id, doc_id, grp, tag, action, reason, actor, at FROM "
                                "tag_corrections WHERE doc_id = ? ORDER BY id DESC",
                                (doc_id,)).fetchall()
        return tuple(TagCorrection(*r) for r in rows)

    def marking_history(self, doc_id: str) -> tuple[MarkingChange, ...]:
        """Return the marking changes of one document, newest first."""
        with self.db.connect() as conn:
            rows = conn.execute("SELECT id, doc_id, old, new, reason, actor, at FROM "
                                "marking_changes WHERE doc_id = ? ORDER BY id DESC",
                                (doc_id,)).fetchall()
        return tuple(MarkingChange(r[0], r[1], _marking(r[2]), _marking(r[3]), *r[4:])
                     for r in rows)

    def version(self) -> tuple[int, int]:
        """Return a value that changes whenever a correction or marking change is recorded."""
        with self.db.connect() as conn:
            row = conn.execute("SELECT (SELECT IFNULL(MAX(id), 0) FROM tag_corrections), "
                               "(SELECT IFNULL(MAX(id), 0) FROM marking_changes)").fetchone()
        return int(row[0]), int(row[1])

    def overlay(self) -> DocOverlay:
        """Return the current overlay (cached until the history changes)."""
        version = self.version()
        with self._lock:
            if self._cached.version == version:
                return self._cached
        overlay = self._load(version)
        with self._lock:
            self._cached = overlay
        return overlay

    def _load(self, version: tuple[int, int]) -> DocOverlay:
        """Read the latest decision per (document, group, tag) and marking per document."""
        with self.db.connect() as conn:
            tag_rows = conn.execute(
                "SELECT id, doc_id, grp, tag, action, reason, actor, at FROM tag_corrections "
                "WHERE id IN (SELECT MAX(id) FROM tag_corrections WHERE id <= ? "
                "GROUP BY doc_id, grp, tag) ORDER BY id", (version[0],)).fetchall()
            marking_rows = conn.execute(
                "SELECT doc_id, new FROM marking_changes WHERE id IN (SELECT MAX(id) FROM "
                "marking_changes WHERE id <= ? GROUP BY doc_id)", (version[1],)).fetchall()
        tags: dict[str, list[TagCorrection]] = {}
        for r in tag_rows:
            tags.setdefault(r[1], []).append(TagCorrection(*r))
        return DocOverlay(version=version, tags={k: tuple(v) for k, v in tags.items()},
                          markings={doc_id: _marking(new) for doc_id, new in marking_rows})
