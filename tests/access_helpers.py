"""Helpers shared by the access-control tests: users, logging in, a writable corpus and index."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from werkzeug.security import generate_password_hash

from indexer.records import Marking
from search.accounts import Role

PASSWORD = "correct horse battery"
CANARY_ID = "sustainment-audit-restricted.pdf"
CANARIES = ("zanzibarite", "Canary Logistics Directorate", "QHP")
# name -> (role, clearance); the readers make up the canary matrix
USERS = {
    "pub": (Role.READER, Marking.PUBLIC),
    "int": (Role.READER, Marking.INTERNAL),
    "res": (Role.READER, Marking.RESTRICTED),
    "editor": (Role.EDITOR, Marking.INTERNAL),
    "admin": (Role.ADMIN, Marking.RESTRICTED),
}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_users(app, users: dict = USERS) -> None:
    """Create `users` in the app's database (a cheap hash method keeps tests fast)."""
    accounts = app.extensions["stores"].accounts
    for name, (role, clearance) in users.items():
        accounts.add(name, generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
                     role, clearance)


def csrf_of(client, path: str = "/login") -> str:
    """Return the CSRF token found in the form of the page at `path`."""
    html = client.get(path).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, name: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    """Log `client` in as `name` (from `address`); return the response to the login POST."""
    token = csrf_of(client)
    return client.post("/login", data={"csrf_token": token, "name": name, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def writable_copy(src_corpus: Path, src_index: Path, dest: Path) -> tuple[Path, Path]:
    """Copy a corpus and its built index under `dest`; return (corpus, index)."""
    corpus, index = dest / "corpus", dest / "index"
    shutil.copytree(src_corpus, corpus)
    shutil.copytree(src_index, index)
    return corpus, index
