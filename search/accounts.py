"""Users, API tokens, login sessions and the login throttle, stored in the app database.

Passwords arrive here already hashed (app.py's layer hashes them); tokens and session ids
are random secrets of which only a SHA-256 digest is stored, so a copy of the database
cannot be replayed. Unknown roles or clearances read from storage fail closed: the
lowest role and the lowest clearance.
"""
from __future__ import annotations

import enum
import hashlib
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from indexer.records import Marking
from search.db import Database

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
TOKEN_PREFIX = "kbt_"
_TOUCH_SECONDS = 15.0                  # how stale last_seen may get before it is rewritten


class AccountError(ValueError):
    """A user operation cannot be done as asked; the message says why."""


class Role(enum.IntEnum):
    """What a user may do; higher includes lower."""

    READER = 0
    EDITOR = 1
    ADMIN = 2

    @classmethod
    def parse(cls, value: str) -> "Role":
        """Return the role named `value` (case-insensitive); raise AccountError if unknown."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise AccountError(f"unknown role {value!r} (reader, editor or admin)") from None


def parse_clearance(value: str) -> Marking:
    """Return the clearance named `value`; raise AccountError if unknown (no default)."""
    try:
        return Marking[value.strip().upper()]
    except KeyError:
        raise AccountError(f"unknown clearance {value!r} (PUBLIC, INTERNAL or RESTRICTED)") from None


@dataclass(frozen=True, slots=True)
class User:
    """A user as the app sees it (never carries the password hash)."""

    name: str
    role: Role
    clearance: Marking
    tokens: int = 0


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _user(row: Sequence) -> User:
    """Return a User from a (name, role, clearance[, tokens]) row, failing closed on bad values."""
    role = Role.__members__.get(str(row[1]).upper(), Role.READER)
    clearance = Marking.__members__.get(str(row[2]).upper(), Marking.PUBLIC)
    return User(row[0], role, clearance, row[3] if len(row) > 3 else 0)


class AccountStore:
    """Users and their API tokens."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def has_users(self) -> bool:
        """Return True if at least one user exists (which switches the app to team mode)."""
        with self.db.connect() as conn:
            return conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def add(self, name: str, password_hash: str, role: Role, clearance: Marking) -> User:
        """Create a user; raise AccountError for a bad or taken name."""
        if not _NAME.fullmatch(name):
            raise AccountError("a user name is 1-64 letters, digits, '.', '_' or '-'")
        try:
            with self.db.connect() as conn:
                conn.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                             (name, password_hash, role.name, clearance.name, time.time()))
        except sqlite3.IntegrityError:
            raise AccountError(f"user {name!r} already exists") from None
        return User(name, role, clearance)

    def get(self, name: str) -> User | None:
        """Return the user called `name`, or None."""
        with self.db.connect() as conn:
            row = conn.execute("SELECT name, role, clearance FROM users WHERE name = ?",
                               (name,)).fetchone()
        return _user(row) if row else None

    def password_hash(self, name: str) -> str | None:
        """Return the stored password hash of `name`, or None if there is no such user."""
        with self.db.connect() as conn:
            row = conn.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def users(self) -> tuple[User, ...]:
        """Return every user, by name, with their number of live tokens."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT u.name, u.role, u.clearance, COUNT(t.hash) FROM users u "
                "LEFT JOIN tokens t ON t.user = u.name GROUP BY u.name ORDER BY u.name").fetchall()
        return tuple(_user(r) for r in rows)

    def remove(self, name: str) -> None:
        """Delete a user with their tokens and sessions; raise AccountError if unknown."""
        with self.db.connect() as conn:
            if conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(f"no user {name!r}")

    def update(self, name: str, role: Role | None = None, clearance: Marking | None = None,
               password_hash: str | None = None) -> User:
        """Change a user's role, clearance or password; return the user as it is now."""
        changes = {"role": role.name if role is not None else None,
                   "clearance": clearance.name if clearance is not None else None,
                   "password_hash": password_hash}
        with self.db.connect() as conn:
            for column, value in changes.items():
                if value is not None:
                    conn.execute(f"UPDATE users SET {column} = ? WHERE name = ?", (value, name))
        user = self.get(name)
        if user is None:
            raise AccountError(f"no user {name!r}")
        return user

    def new_token(self, name: str) -> str:
        """Create and return a new API token for `name` (only its digest is stored)."""
        if self.get(name) is None:
            raise AccountError(f"no user {name!r}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.connect() as conn:
            conn.execute("INSERT INTO tokens VALUES (?, ?, ?)", (_digest(token), name, time.time()))
        return token

    def user_for_token(self, token: str) -> User | None:
        """Return the owner of a live API token, or None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self.db.connect() as conn:
            row = conn.execute(
                "SELECT u.name, u.role, u.clearance FROM tokens t JOIN users u ON u.name = t.user "
                "WHERE t.hash = ?", (_digest(token),)).fetchone()
        return _user(row) if row else None

    def revoke_tokens(self, name: str) -> int:
        """Revoke every API token of `name`; return how many there were."""
        with self.db.connect() as conn:
            return conn.execute("DELETE FROM tokens WHERE user = ?", (name,)).rowcount


class SessionStore:
    """Server-side login sessions: the browser holds only a random id, signed in its cookie."""

    def __init__(self, db: Database, idle_seconds: float, max_seconds: float = 12 * 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self.clock = clock                 # injected in tests

    def create(self, name: str) -> str:
        """Start a session for `name`; return its id (a fresh secret each login)."""
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.connect() as conn:
            conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (_digest(sid), name, now, now))
        return sid

    def user(self, sid: str) -> str | None:
        """Return the user of a live session and mark it used; None if unknown or expired."""
        now = self.clock()
        with self.db.connect() as conn:
            row = conn.execute("SELECT user, created, last_seen FROM sessions WHERE hash = ?",
                               (_digest(sid),)).fetchone()
            if row is None:
                return None
            if now - row[2] > self.idle_seconds or now - row[1] > self.max_seconds:
                conn.execute("DELETE FROM sessions WHERE hash = ?", (_digest(sid),))
                return None
            if now - row[2] > _TOUCH_SECONDS:      # not a write on every request
                conn.execute("UPDATE sessions SET last_seen = ? WHERE hash = ?",
                             (now, _digest(sid)))
        return row[0]

    def end(self, sid: str) -> None:
        """End one session (logout)."""
        with self.db.connect() as conn:
            conn.execute("DELETE FROM sessions WHERE hash = ?", (_digest(sid),))

    def end_all(self, name: str) -> int:
        """End every session of `name`; return how many there were."""
        with self.db.connect() as conn:
            return conn.execute("DELETE FROM sessions WHERE user = ?", (name,)).rowcount


class LoginThrottle:
    """Counts failed logins and failed API tokens in a sliding window, and says how long to wait.

    Limits are per (account, address) pair and per address, so failures sent from elsewhere
    cannot lock a user out; an account's failures from all addresses together only slow its
    logins down (a back-off doubling per failure past `account_limit`, at most
    `backoff_max` seconds between attempts), which still stops a distributed guesser.
    Failed Bearer tokens count per address against `token_limit`.
    """

    def __init__(self, db: Database, limit: int = 5, window_seconds: float = 900.0,
                 address_limit: int = 20, account_limit: int = 10, token_limit: int = 20,
                 backoff_max: float = 60.0) -> None:
        self.db = db
        self.limit = limit
        self.window_seconds = window_seconds
        self.address_limit = address_limit
        self.account_limit = account_limit
        self.token_limit = token_limit
        self.backoff_max = backoff_max

    @staticmethod
    def _keys(name: str, address: str) -> tuple[str, str, str]:
        account = name.lower()
        return f"pair:{account}|{address}", f"addr:{address}", f"user:{account}"

    def login_wait(self, name: str, address: str) -> float:
        """Return the seconds to wait before `name` may try a login from `address` (0: now)."""
        pair, addr, account = self._keys(name, address)
        now = time.time()
        with self.db.connect() as conn:
            conn.execute("DELETE FROM login_failures WHERE at < ?", (now - self.window_seconds,))
            waits = [self._window_wait(conn, pair, self.limit, now),
                     self._window_wait(conn, addr, self.address_limit, now)]
            count, last = conn.execute("SELECT COUNT(*), MAX(at) FROM login_failures "
                                       "WHERE key = ?", (account,)).fetchone()
        if name and count >= self.account_limit:
            spacing = min(self.backoff_max, 2.0 ** (count - self.account_limit))
            waits.append(last + spacing - now)
        return max(0.0, *waits)

    def token_wait(self, address: str) -> float:
        """Return the seconds `address` must wait before its next API token is checked."""
        now = time.time()
        with self.db.connect() as conn:
            conn.execute("DELETE FROM login_failures WHERE at < ?", (now - self.window_seconds,))
            return self._window_wait(conn, f"token:{address}", self.token_limit, now)

    def _window_wait(self, conn, key: str, limit: int, now: float) -> float:
        """Return how long until `key` has fewer than `limit` failures in the window."""
        rows = conn.execute("SELECT at FROM login_failures WHERE key = ? ORDER BY at DESC "
                            "LIMIT 1 OFFSET ?", (key, max(0, limit - 1))).fetchone()
        return 0.0 if rows is None else max(0.0, rows[0] + self.window_seconds - now)

    def record_login_failure(self, name: str, address: str) -> None:
        """Count one failed login against its pair, its address and (if named) its account."""
        keys = self._keys(name, address)
        self.record_failure(keys if name else keys[:2])

    def record_token_failure(self, address: str) -> None:
        """Count one failed API token from `address`."""
        self.record_failure([f"token:{address}"])

    def login_succeeded(self, name: str, address: str) -> None:
        """Forget the failures of this account from this address."""
        self.clear(self._keys(name, address)[0])

    def is_blocked(self, keys: Sequence[str]) -> bool:
        """Return True if any key reached the pair limit of failures inside the window."""
        since = time.time() - self.window_seconds
        with self.db.connect() as conn:
            conn.execute("DELETE FROM login_failures WHERE at < ?", (since,))
            return any(conn.execute("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?",
                                    (k, since)).fetchone()[0] >= self.limit for k in keys)

    def record_failure(self, keys: Sequence[str]) -> None:
        """Count one failure against every key."""
        now = time.time()
        with self.db.connect() as conn:
            conn.executemany("INSERT INTO login_failures VALUES (?, ?)", [(k, now) for k in keys])

    def clear(self, key: str) -> None:
        """Forget the failures of one key."""
        with self.db.connect() as conn:
            conn.execute("DELETE FROM login_failures WHERE key = ?", (key,))
