"""The acronym glossary (taxonomy + definitions found in visible documents) and query expansion."""
from __future__ import annotations

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


def glossary(table: DocTable, taxonomy: Taxonomy, clearance: Marking) -> tuple[GlossaryEntry, ...]:
    """Return the glossary visible at `clearance`, sorted by acronym; first definition wins."""
    entries: dict[str, GlossaryEntry] = {}
    for a in taxonomy.acronyms:
        entries.setdefault(a.short.lower(), GlossaryEntry(a.short, a.long, "", "Taxonomy"))
    for doc in sorted(table.docs, key=lambda d: (d.meta.date or "9999", d.doc_id)):
        if doc.meta.marking > clearance:
            continue
        for a in doc.meta.acronyms:
            entries.setdefault(a.short.lower(), GlossaryEntry(a.short, a.long, doc.doc_id,
                                                               doc.meta.title))
    return tuple(sorted(entries.values(), key=lambda e: e.short.lower()))
