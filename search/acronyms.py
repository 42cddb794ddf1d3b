"""The acronym glossary (taxonomy + definitions found in visible documents) and query expansion."""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.records import Marking, Taxonomy
from search.doctable import DocTable
from search.results import Expansion


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


def expand(text: str, entries: tuple[GlossaryEntry, ...]) -> tuple[str, tuple[Expansion, ...]]:
    """Return query text with acronyms ORed with their long forms (and back), plus what was added.

    Quoted phrases and field:value terms are left alone.
    """
    expansions: list[Expansion] = []
    parts = re.split(r'("[^"]*")', text)
    for i, part in enumerate(parts):
        if part.startswith('"'):
            continue
        for e in entries:
            part = _expand_part(part, e, expansions)
        parts[i] = part
    return "".join(parts), tuple(dict.fromkeys(expansions))


def _expand_part(part: str, e: GlossaryEntry, found: list[Expansion]) -> str:
    long_rx = re.compile(r"(?<![\w:\"])" + r"\s+".join(map(re.escape, e.long.split())) + r"(?![\w\"])",
                         re.IGNORECASE)
    if long_rx.search(part):
        found.append(Expansion(e.long, e.short))
        return long_rx.sub(lambda m: f'("{m.group(0)}" OR {e.short})', part)
    short_rx = re.compile(r"(?<![\w:\-\"])" + re.escape(e.short) + r"(?![\w\-:\"*])")
    if short_rx.search(part):
        found.append(Expansion(e.short, e.long))
        return short_rx.sub(lambda m: f'({m.group(0)} OR "{e.long}")', part)
    return part
