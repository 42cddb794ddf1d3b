"""The upload queue: one record per uploaded file, with its indexing status and any reason."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterable

from indexer.records import Marking
from search.db import Database

QUEUED, INDEXING, INDEXED, FAILED = "queued", "indexing", "indexed", "failed"
STATUSES = (QUEUED, INDEXING, INDEXED, FAILED)
_COLUMNS = "id, original_name, rel, doc_id, marking, uploader, status, reason, created, updated"


@dataclass(frozen=True, slots=True)
class UploadRecord:
    """One uploaded file: where it was stored, who sent it, and how indexing went."""

    id: str
    original_name: str
    rel: str                           # path relative to the corpus folder
    doc_id: str
    marking: Marking
    uploader: str
    status: str                        # one of STATUSES
    reason: str
    created: float
    updated: float

    @property
    def when(self) -> str:
        """Return the upload time as ISO 8601 UTC, to the second."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created))

    @property
    def is_done(self) -> bool:
        """Return True once indexing finished, either way."""
        return self.status in (INDEXED, FAILED)


def _record(row: tuple) -> UploadRecord:
    marking = Marking.__members__.get(str(row[4]).upper(), Marking.RESTRICTED)
    return UploadRecord(row[0], row[1], row[2], row[3], marking, *row[5:])


class UploadStore:
    """Adds uploads, moves them through the statuses, and lists them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, upload_id: str, original_name: str, rel: str, doc_id: str, marking: Marking,
            uploader: str, status: str = QUEUED, reason: str = "") -> UploadRecord:
        """Record an upload: stored and queued for indexing, or refused (FAILED, reason)."""
        if status not in STATUSES:
            raise ValueError(f"unknown upload status {status!r}")
        now = time.time()
        row = (upload_id, original_name, rel, doc_id, marking.name, uploader, status, reason[:500],
               now, now)
        with self.db.connect() as conn:
            conn.execute(f"INSERT INTO uploads ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         row)
        return _record(row)

    def set_status(self, upload_ids: Iterable[str], status: str, reason: str = "") -> None:
        """Set the status (and reason) of the given uploads."""
        if status not in STATUSES:
            raise ValueError(f"unknown upload status {status!r}")
        now = time.time()
        with self.db.connect() as conn:
            conn.executemany("UPDATE uploads SET status = ?, reason = ?, updated = ? WHERE id = ?",
                             [(status, reason[:500], now, i) for i in upload_ids])

    def with_status(self, *statuses: str) -> tuple[UploadRecord, ...]:
        """Return the uploads in any of `statuses`, oldest first."""
        marks = ", ".join("?" * len(statuses))
        with self.db.connect() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM uploads WHERE status IN ({marks}) "
                                "ORDER BY created", statuses).fetchall()
        return tuple(_record(r) for r in rows)

    def recent(self, uploader: str | None = None, limit: int = 100) -> tuple[UploadRecord, ...]:
        """Return the newest uploads first: everyone's, or only those of `uploader`."""
        sql = f"SELECT {_COLUMNS} FROM uploads"
        args: list = []
        if uploader is not None:
            sql += " WHERE uploader = ?"
            args.append(uploader)
        with self.db.connect() as conn:
            rows = conn.execute(sql + " ORDER BY created DESC LIMIT ?", (*args, limit)).fetchall()
        return tuple(_record(r) for r in rows)

    def for_document(self, doc_id: str) -> UploadRecord | None:
        """Return the upload that created document `doc_id`, or None."""
        with self.db.connect() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM uploads WHERE doc_id = ? "
                               "ORDER BY created DESC LIMIT 1", (doc_id,)).fetchone()
        return _record(row) if row else None
