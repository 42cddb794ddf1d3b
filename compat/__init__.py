"""The one place per library that touches its private internals, checked at import.

Each module here (`whoosh`, `docx`, `pypdf`, `re_parser`) holds every access the project
makes to a library's private names (underscore attributes, undocumented modules) and checks,
when imported, that they exist; a missing one raises `LibraryChanged` naming the attribute
and the version the code was written for (requirements.txt pins it). Where the project has a
safe fallback (pypdf's password check, regex pre-checks) the module logs the same message
instead and uses it, so an upgrade never stops the app from starting.
`tests/test_compat.py` asserts each attribute, so an upgrade fails one clear test.
"""
from __future__ import annotations

from importlib import metadata
from typing import Iterable


class LibraryChanged(ImportError):
    """A library no longer has a private name the project relies on (after an upgrade)."""


def installed(distribution: str) -> str:
    """Return the installed version of a distribution ("?" if unknown)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def missing(owner: object, names: Iterable[str]) -> list[str]:
    """Return the names `owner` (a module or class) lacks."""
    return [name for name in names if not hasattr(owner, name)]


def problem(distribution: str, pinned: str, where: str, names: Iterable[str]) -> str:
    """Return the message for names missing from `where` in the installed distribution."""
    return (f"{distribution} {installed(distribution)} lacks {', '.join(names)} of {where}; "
            f"the code was written for {distribution}=={pinned} (requirements.txt): pin it "
            f"back or update compat/ and tests/test_compat.py")


def require(distribution: str, pinned: str, checks: Iterable[tuple[object, str, Iterable[str]]],
            ) -> None:
    """Raise LibraryChanged for the first (owner, label, names) check that fails."""
    for owner, where, names in checks:
        gone = missing(owner, names)
        if gone:
            raise LibraryChanged(problem(distribution, pinned, where, gone))
