"""Parse the account, upload and editing forms into typed values (no Flask here either)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from indexer.readers.sidecar import iso_date
from indexer.records import DOC_TYPES, IndexedDocument, Marking, Taxonomy
from search.errors import QueryError

TITLE_MAX = 300
REASON_MAX = 500


@dataclass(frozen=True, slots=True)
class MetadataEdit:
    """A requested change of a document's stated metadata and marking."""

    title: str | None
    date: str | None
    doc_type: str | None
    marking: Marking | None             # None: the form had no marking, keep the document's
    reason: str

    def changed_fields(self, doc: IndexedDocument) -> tuple[str, ...]:
        """Return the names of the fields that differ from `doc` (never their values)."""
        now = {"title": doc.meta.title, "date": doc.meta.date, "type": doc.doc_type,
               "marking": doc.meta.marking}
        new = {"title": self.title, "date": self.date, "type": self.doc_type,
               "marking": self.marking}
        return tuple(k for k, v in new.items() if v is not None and v != now[k])

    def sidecar_values(self, doc: IndexedDocument) -> dict[str, str]:
        """Return the sidecar keys of the fields that changed (others stay as inferred)."""
        values = {"title": self.title, "date": self.date, "type": self.doc_type,
                  "marking": self.marking.name if self.marking is not None else None}
        return {k: v for k, v in values.items() if v and k in self.changed_fields(doc)}


def parse_marking(value: str | None) -> Marking:
    """Return the marking chosen in a form: none means INTERNAL; unknown raises QueryError."""
    try:
        return Marking.parse(value)
    except ValueError as exc:
        raise QueryError(str(exc)) from None


def parse_metadata(form: Mapping[str, str]) -> MetadataEdit:
    """Return the metadata edit in `form`; raise QueryError saying what to fix.

    A field the form does not hold (or leaves empty) changes nothing.
    """
    title = " ".join(form.get("title", "").split()) or None
    if title and len(title) > TITLE_MAX:
        raise QueryError(f"the title is longer than {TITLE_MAX} characters")
    date = form.get("date", "").strip() or None
    if date and iso_date(date) is None:
        raise QueryError("the date must be YYYY, YYYY-MM or YYYY-MM-DD")
    doc_type = form.get("type", "").strip() or None
    if doc_type and doc_type not in DOC_TYPES:
        raise QueryError(f"unknown type {doc_type!r}: use one of {', '.join(DOC_TYPES)}")
    marking = form.get("marking", "").strip()       # absent or empty: unchanged, never INTERNAL
    return MetadataEdit(title, date, doc_type, parse_marking(marking) if marking else None,
                        parse_reason(form.get("reason", ""), required=False))


def parse_reason(value: str, required: bool = True) -> str:
    """Return a reason on one line; raise QueryError if it is required and empty."""
    reason = " ".join(value.split())[:REASON_MAX]
    if required and not reason:
        raise QueryError("say why: a reason is required")
    return reason


@dataclass(frozen=True, slots=True)
class TagEdit:
    """A requested tag correction."""

    group: str
    tag: str
    action: str
    reason: str


def parse_tag_edit(form: Mapping[str, str], taxonomy: Taxonomy) -> TagEdit:
    """Return the tag correction in `form`; raise QueryError for unknown tags or actions."""
    group, tag, action = form.get("group", ""), form.get("tag", ""), form.get("action", "")
    if form.get("tag_ref"):                         # one <select> of "group:tag" values
        group, _, tag = form["tag_ref"].partition(":")
    if group not in ("loe", "principle"):
        raise QueryError("the tag group must be loe or principle")
    if tag not in {t.id for t in taxonomy.group(group)}:
        raise QueryError(f"unknown {group} tag {tag!r}")
    if action not in ("confirm", "reject", "add"):
        raise QueryError("the action must be confirm, reject or add")
    return TagEdit(group, tag, action, parse_reason(form.get("reason", "")))
