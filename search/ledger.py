"""The commitments ledger: commitments and decisions by line of effort, actor and date."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.records import Marking, Statement, Taxonomy
from search.citations import (Citation, StoredPassage, allowed_passages, highest_marking,
                              passage_citation, stored_passage, type_mask)
from search.doctable import DocTable
from search.requests import LedgerRequest

UNTAGGED = "untagged"
CSV_FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")  # and full-width forms
CSV_HEADER = ("date", "kind", "actor", "statement", "amount", "due", "lines_of_effort",
              "principles", "document", "title", "type", "marking", "section", "page", "link")


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One commitment or decision, with where it was made and who made it."""

    kind: str
    text: str
    actor: str | None
    amount: str | None
    due: str | None
    date: str | None
    doc_id: str
    title: str
    type: str
    marking: str
    loe: tuple[str, ...]
    principle: tuple[str, ...]
    citation: Citation


@dataclass(frozen=True, slots=True)
class LedgerGroup:
    """The rows of one line of effort (or of untagged passages), oldest first."""

    loe: str
    label: str
    rows: tuple[LedgerRow, ...]


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every matching row (oldest first), the same rows grouped by line of effort, and the
    highest marking among them."""

    rows: tuple[LedgerRow, ...]
    groups: tuple[LedgerGroup, ...]
    marking: Marking

    @property
    def total(self) -> int:
        """Return the number of rows."""
        return len(self.rows)


def statements_in(searcher: Searcher, table: DocTable, docs: np.ndarray, kinds: tuple[str, ...],
                  tag_field: str | None = None,
                  tags: tuple[str, ...] = ()) -> list[tuple[StoredPassage, Statement]]:
    """Return (passage, statement) pairs of `kinds` in documents `docs`, oldest first.

    With `tag_field` and `tags`, only passages carrying one of the tags count.
    """
    allowed = allowed_passages(table, docs)
    if not allowed:                 # Whoosh reads an empty filter as "no filter": never pass one
        return []
    parts = [wq.Term(f.KIND, f.KIND_PASSAGE), wq.Or([wq.Term(f.STATEMENT_KIND, k) for k in kinds])]
    if tag_field and tags:
        parts.append(wq.Or([wq.Term(tag_field, t) for t in tags]))
    docnums = sorted(set(searcher.docs_for_query(wq.And(parts))) & allowed)
    passages = [stored_passage(searcher, table, n) for n in docnums]
    pairs = [(p, s) for p in passages for s in p.statements if s.kind in kinds]
    return sorted(pairs, key=lambda x: (x[0].doc.meta.date or "9999", x[0].doc.doc_id, x[0].n,
                                        x[1].start))


def build_ledger(searcher: Searcher, table: DocTable, taxonomy: Taxonomy, req: LedgerRequest,
                 clearance: Marking) -> Ledger:
    """Return the ledger of statements visible at `clearance` that match `req`."""
    docs = (table.visible(clearance) & table.in_dates(req.date_from, req.date_to)
            & type_mask(table, req.type))
    pairs = statements_in(searcher, table, docs, req.kind)
    rows = [ledger_row(p, s) for p, s in pairs
            if (not req.actor or s.actor in req.actor)
            and (not req.loe or set(p.loe) & set(req.loe))
            and (not req.principle or set(p.principle) & set(req.principle))]
    return Ledger(rows=tuple(rows), groups=_groups(rows, taxonomy, req.loe),
                  marking=highest_marking([Marking[r.marking] for r in rows]))


def ledger_row(p: StoredPassage, s: Statement) -> LedgerRow:
    """Return the ledger row of statement `s` in passage `p`."""
    return LedgerRow(kind=s.kind, text=" ".join(s.text.split()), actor=s.actor, amount=s.amount,
                     due=s.due, date=p.doc.meta.date, doc_id=p.doc.doc_id,
                     title=p.doc.meta.title or p.doc.path, type=p.doc.doc_type,
                     marking=p.doc.meta.marking.name, loe=p.loe, principle=p.principle,
                     citation=passage_citation(p))


def ledger_csv(ledger: Ledger, base_url: str = "") -> str:
    """Return the ledger rows as CSV text (header first), links made absolute with `base_url`."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_HEADER)
    for r in ledger.rows:
        c = r.citation
        writer.writerow([csv_cell(x) for x in (
            r.date or "", r.kind, r.actor or "", r.text, r.amount or "", r.due or "",
            ";".join(r.loe), ";".join(r.principle), r.doc_id, r.title, r.type, r.marking,
            c.section, c.page or "", base_url + c.url)])
    return out.getvalue()


def csv_cell(value: object) -> str:
    """Return a CSV cell a spreadsheet shows as text, never runs as a formula (OWASP CSV
    injection: a cell starting with = + - @, a tab or a carriage return gets a leading ',
    and every cell is quoted)."""
    text = str(value)
    return "'" + text if text[:1] in CSV_FORMULA_STARTS else text


def _groups(rows: list[LedgerRow], taxonomy: Taxonomy,
            chosen: tuple[str, ...]) -> tuple[LedgerGroup, ...]:
    """Return the rows grouped by line of effort, in taxonomy order; empty groups left out."""
    ids = [t.id for t in taxonomy.loe if not chosen or t.id in chosen]
    groups = [LedgerGroup(i, taxonomy.label("loe", i), tuple(r for r in rows if i in r.loe))
              for i in ids]
    if not chosen:
        groups.append(LedgerGroup(UNTAGGED, "No line of effort",
                                  tuple(r for r in rows if not r.loe)))
    return tuple(g for g in groups if g.rows)
