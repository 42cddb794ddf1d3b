"""The acronym glossary (taxonomy + definitions found in visible documents) and query expansion."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from indexer.records import Marking, Taxonomy
from search.doctable import DocTable


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """An acronym, its expansion, and where it is defined ("" doc_id = the taxonomy)."""

    short: str
    long: str
    doc_id: str
    doc_title: str
    supported: bool = True     # expands queries: from the taxonomy, or defined alike twice


MIN_DEFINING_DOCUMENTS = 2


def glossary(table: DocTable, taxonomy: Taxonomy, clearance: Marking) -> tuple[GlossaryEntry, ...]:
    """Return the glossary visible at `clearance`, sorted by acronym; first definition wins.

    A definition found in documents only expands queries once MIN_DEFINING_DOCUMENTS
    visible documents define the acronym with the same long form (one document's
    "security assistance (SA)" must not turn every "SA" into a match).
    """
    entries: dict[str, GlossaryEntry] = {}
    for a in taxonomy.acronyms:
        entries.setdefault(a.short.lower(), GlossaryEntry(a.short, a.long, "", "Taxonomy"))
    definers: dict[tuple[str, str], set[str]] = {}
    for doc in sorted(table.docs, key=lambda d: (d.meta.date or "9999", d.doc_id)):
        if doc.meta.marking > clearance:
            continue
        for a in doc.meta.acronyms:
            definers.setdefault((a.short.lower(), a.long.lower()), set()).add(doc.doc_id)
            entries.setdefault(a.short.lower(), GlossaryEntry(a.short, a.long, doc.doc_id,
                                                               doc.meta.title))
    for key, e in entries.items():
        if e.doc_id:
            support = len(definers.get((key, e.long.lower()), ()))
            entries[key] = dataclasses.replace(e, supported=support >= MIN_DEFINING_DOCUMENTS)
    return tuple(sorted(entries.values(), key=lambda e: e.short.lower()))
