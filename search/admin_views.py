"""What the admin pages may list: uploads and audit events filtered by the viewer's clearance.

An admin is still a reader at their clearance: an upload or audit event about a document
above it is left out (its name, id and marking are what it would reveal). A document's
marking is its current one (the index, corrections applied), else the one given at upload;
a document known to neither is treated as RESTRICTED (fail closed).
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Iterable

from indexer.records import Marking
from search.audit import AuditEvent
from search.uploads import UploadRecord

MarkingOf = Callable[[str], "Marking | None"]     # doc id -> current marking, None if unknown


def current_uploads(uploads: Iterable[UploadRecord], marking_of: MarkingOf,
                    clearance: Marking) -> tuple[UploadRecord, ...]:
    """Return the uploads visible at `clearance`, each showing its document's marking now."""
    shown = []
    for u in uploads:
        now = (marking_of(u.doc_id) if u.doc_id else None) or u.marking
        if now <= clearance:
            shown.append(u if now == u.marking else dataclasses.replace(u, marking=now))
    return tuple(shown)


def visible_events(events: Iterable[AuditEvent], marking_of: MarkingOf,
                   uploads: Iterable[UploadRecord], clearance: Marking) -> tuple[AuditEvent, ...]:
    """Return the audit events whose document (if any) is visible at `clearance`."""
    uploaded = {u.doc_id: u.marking for u in uploads if u.doc_id}

    def level(doc_id: str) -> Marking:
        return marking_of(doc_id) or uploaded.get(doc_id) or Marking.RESTRICTED
    return tuple(e for e in events if not e.doc_id or level(e.doc_id) <= clearance)
