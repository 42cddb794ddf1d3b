"""The audit log: structured records of who did what, when, to which document, and the outcome.

Records never hold passwords, document text or query text: only names, ids, actions,
decisions and a short detail chosen by the caller (a reason, a marking, a path).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from search.db import Database

ACTIONS = ("login", "logout", "access", "upload", "marking", "metadata", "tag", "export",
           "user", "token", "train")
DECISIONS = ("ok", "failed", "denied", "hidden", "rate-limited", "queued", "indexed")
_DETAIL_MAX = 300


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One audit record."""

    id: int
    at: float
    actor: str
    action: str
    decision: str
    doc_id: str | None
    detail: str
    address: str | None

    @property
    def when(self) -> str:
        """Return the time as ISO 8601 UTC, to the second."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.at))


class AuditLog:
    """Appends and lists audit records."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, actor: str, action: str, decision: str, doc_id: str | None = None,
               detail: str = "", address: str | None = None) -> None:
        """Append one record; raise ValueError for an action or decision outside the closed sets."""
        if action not in ACTIONS or decision not in DECISIONS:
            raise ValueError(f"unknown audit action/decision {action!r}/{decision!r}")
        with self.db.connect() as conn:
            conn.execute(
                "INSERT INTO audit (at, actor, action, doc_id, decision, detail, address) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), actor[:64], action, doc_id, decision,
                 " ".join(detail.split())[:_DETAIL_MAX], address))

    def recent(self, limit: int = 200, action: str | None = None,
               actor: str | None = None) -> tuple[AuditEvent, ...]:
        """Return the newest records first, optionally only one action or one actor."""
        sql = "SELECT id, at, actor, action, decision, doc_id, detail, address FROM audit"
        where, args = [], []
        if action:
            where.append("action = ?")
            args.append(action)
        if actor:
            where.append("actor = ?")
            args.append(actor)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        with self.db.connect() as conn:
            rows = conn.execute(sql, (*args, max(1, min(limit, 1000)))).fetchall()
        return tuple(AuditEvent(*r) for r in rows)
