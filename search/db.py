"""The application database: one SQLite file under the data folder, opened per call.

Holds users, API tokens, login sessions, login failures (rate limiting), the audit log,
tag corrections, marking changes and the upload queue. Each store class in search/
takes a `Database`; no module keeps a connection or any other state.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterator

DB_FILE = "kb.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY COLLATE NOCASE, password_hash TEXT NOT NULL,
    role TEXT NOT NULL, clearance TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    hash TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created REAL NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    doc_id TEXT, decision TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', address TEXT);
CREATE TABLE IF NOT EXISTS tag_corrections (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, grp TEXT NOT NULL, tag TEXT NOT NULL,
    action TEXT NOT NULL, reason TEXT NOT NULL, actor TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS tag_corrections_doc ON tag_corrections (doc_id);
CREATE TABLE IF NOT EXISTS marking_changes (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
    reason TEXT NOT NULL, actor TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS marking_changes_doc ON marking_changes (doc_id);
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY, original_name TEXT NOT NULL, rel TEXT NOT NULL, doc_id TEXT NOT NULL,
    marking TEXT NOT NULL, uploader TEXT NOT NULL, status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', created REAL NOT NULL, updated REAL NOT NULL);
"""


class Database:
    """The SQLite file at `path`; the schema is created on first use, readable by owner only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._is_ready = False             # the file is created on first use, not at start-up

    def _ensure(self) -> None:
        """Create the file (owner-only) and the schema once."""
        with self._lock:
            if self._is_ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            conn = sqlite3.connect(self.path, timeout=10.0)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
            finally:
                conn.close()
            self._is_ready = True

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """Yield a connection inside a transaction: committed on success, rolled back on error."""
        self._ensure()
        conn = sqlite3.connect(self.path, timeout=10.0)
        try:
            conn.execute("PRAGMA foreign_keys=ON")
            with conn:
                yield conn
        finally:
            conn.close()
