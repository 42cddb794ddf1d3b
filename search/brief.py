"""The consultation brief: per line of effort or principle, what was decided, committed,
assigned and counted in a period, and which documents to read; marked at the highest
marking of anything in it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.records import IndexedDocument, Marking, Taxonomy
from search.citations import highest_marking
from search.doctable import DocTable
from search.ledger import LedgerRow, is_past as _is_past, ledger_row, statements_in
from search.requests import BriefRequest

DOCUMENTS_PER_SECTION = 5
BRIEF_KINDS = ("decision", "commitment", "action", "figure")


@dataclass(frozen=True, slots=True)
class BriefItem:
    """A statement in the brief; action items due before the brief's date are past due."""

    row: LedgerRow
    is_overdue: bool


@dataclass(frozen=True, slots=True)
class BriefDocument:
    """A document to read before the consultations."""

    id: str
    title: str
    date: str | None
    type: str
    marking: str
    url: str
    score: float


@dataclass(frozen=True, slots=True)
class BriefSection:
    """What the brief says about one line of effort or principle."""

    group: str                          # "loe" | "principle"
    tag: str
    label: str
    decisions: tuple[BriefItem, ...]
    commitments: tuple[BriefItem, ...]
    actions: tuple[BriefItem, ...]
    figures: tuple[BriefItem, ...]
    documents: tuple[BriefDocument, ...]

    @property
    def is_empty(self) -> bool:
        """Return True when the section has nothing to show."""
        return not (self.decisions or self.commitments or self.actions or self.figures
                    or self.documents)


@dataclass(frozen=True, slots=True)
class Brief:
    """The whole brief; `marking` is the highest marking of anything included."""

    title: str
    period: str
    as_of: str
    marking: Marking
    sections: tuple[BriefSection, ...]

    @property
    def is_empty(self) -> bool:
        """Return True when no section has anything to show."""
        return all(s.is_empty for s in self.sections)


def build_brief(searcher: Searcher, table: DocTable, taxonomy: Taxonomy, req: BriefRequest,
                clearance: Marking) -> Brief:
    """Return the brief of `req` from what is visible at `clearance` (nothing above it)."""
    docs = table.visible(clearance) & table.in_dates(req.date_from, req.date_to)
    chosen = [("loe", t) for t in req.loe] + [("principle", t) for t in req.principle]
    sections = tuple(_section(searcher, table, taxonomy, group, tag, docs, req.as_of)
                     for group, tag in chosen)
    return Brief(title=_title(taxonomy, chosen), period=period_text(req.date_from, req.date_to),
                 as_of=req.as_of, marking=_marking(sections), sections=sections)


def period_text(date_from: str | None, date_to: str | None) -> str:
    """Return the period in words ("since 2018-05", "2017 to 2019", "all dates")."""
    if date_from and date_to:
        return f"{date_from} to {date_to}"
    if date_from:
        return f"since {date_from}"
    return f"until {date_to}" if date_to else "all dates"


def _section(searcher: Searcher, table: DocTable, taxonomy: Taxonomy, group: str, tag: str,
             docs: np.ndarray, as_of: str) -> BriefSection:
    field = f.LOE if group == "loe" else f.PRINCIPLE
    pairs = statements_in(searcher, table, docs, BRIEF_KINDS, field, (tag,))
    items = [BriefItem(ledger_row(p, s), s.kind == "action" and _is_past(s.due, as_of))
             for p, s in pairs]
    by_kind = {k: tuple(i for i in items if i.row.kind == k) for k in BRIEF_KINDS}
    return BriefSection(group=group, tag=tag, label=taxonomy.label(group, tag),
                        decisions=by_kind["decision"], commitments=by_kind["commitment"],
                        actions=by_kind["action"], figures=by_kind["figure"],
                        documents=_documents(table, docs, group, tag))


def _documents(table: DocTable, docs: np.ndarray, group: str, tag: str) -> tuple[BriefDocument, ...]:
    """Return the documents in `docs` tagged `tag`, strongest tag score first."""
    scored = [(_tag_score(d, group, tag), d) for o, d in enumerate(table.docs) if docs[o]]
    best = sorted(((s, d) for s, d in scored if s > 0),
                  key=lambda x: (-x[0], x[1].meta.date or "", x[1].doc_id))
    return tuple(BriefDocument(id=d.doc_id, title=d.meta.title or d.path, date=d.meta.date,
                               type=d.doc_type, marking=d.meta.marking.name,
                               url=f"/documents/{d.doc_id}", score=round(s, 2))
                 for s, d in best[:DOCUMENTS_PER_SECTION])


def _tag_score(doc: IndexedDocument, group: str, tag: str) -> float:
    return max((t.score for t in doc.tags if t.group == group and t.tag == tag), default=0.0)


def _title(taxonomy: Taxonomy, chosen: list[tuple[str, str]]) -> str:
    labels = [taxonomy.label(group, tag) for group, tag in chosen]
    return "Consultation brief: " + ("; ".join(labels) if labels else "all lines of effort")


def _marking(sections: tuple[BriefSection, ...]) -> Marking:
    markings = [Marking[i.row.marking] for s in sections
                for i in s.decisions + s.commitments + s.actions + s.figures]
    markings += [Marking[d.marking] for s in sections for d in s.documents]
    return highest_marking(markings)
