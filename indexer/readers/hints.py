"""Format hints: the title, date and author a file format carries, placeholders dropped."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from indexer.readers.common import normalize

@dataclass(frozen=True, slots=True)
class Hints:
    """Metadata the file format carries (HTML <title>, PDF info dict, DOCX core properties)."""

    title: str | None = None
    date: str | None = None
    author: str | None = None


_JUNK_TITLE = re.compile(
    r"(?i)^(?:microsoft (?:word|powerpoint|excel) - .*|untitled.*|document\d*|doc\d+|slide \d+"
    r"|.*\.(?:docx?|pdf|odt|rtf|indd|tex|dvi|xlsx?|pptx?|qxd|txt))$")
_JUNK_AUTHOR = frozenset(("python-docx", "administrator", "admin", "user", "author", "unknown",
                          "microsoft office user", "owner"))


def sensible_title(title: object) -> str | None:
    """Return a metadata title unless it is a placeholder or a file name."""
    text = normalize(str(title or ""))
    return text if len(text) >= 3 and not _JUNK_TITLE.match(text) else None


def sensible_author(author: object) -> str | None:
    """Return a metadata author unless it is a generator or account placeholder."""
    text = normalize(str(author or ""))
    return text if text and text.lower() not in _JUNK_AUTHOR else None


# Timestamps that generators write into every file: Jan 1 00:00:00 of any year, and the
# creation date of python-docx's default template.
_PLACEHOLDER_STAMPS = (re.compile(r"\d{4}-01-01T00:00:00"), re.compile(r"2013-12-23T23:15:00"))


def file_date(stamp: dt.datetime | None) -> str | None:
    """Return a file-metadata timestamp as YYYY-MM-DD, ignoring generators' placeholder stamps."""
    if stamp is None:
        return None
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    if any(p.fullmatch(text) for p in _PLACEHOLDER_STAMPS):
        return None
    return stamp.date().isoformat()
