"""The commitments ledger: commitments and decisions by line of effort, actor and date."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.analysis import normalize_word, terms, words
from indexer.records import Marking, Statement, Taxonomy
from search.citations import (Citation, StoredPassage, allowed_passages, highest_marking,
                              passage_citation, stored_passage, type_mask)
from search.doctable import DocTable
from search.errors import QueryError
from search.parser import parse_query
from search.requests import LEDGER_KINDS, LedgerRequest
from search.statement_text import statement_text

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
    past_due: bool = False            # a commitment or action whose due date has passed


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
    """Return the ledger of statements visible at `clearance` that match `req`, one row per
    statement, in the order `req.sort` asks for."""
    docs = (table.visible(clearance) & table.in_dates(req.date_from, req.date_to)
            & type_mask(table, req.type))
    keywords = keyword_match(searcher, taxonomy, req.q, req.kind)
    kinds = keywords.kinds if keywords else req.kind
    pairs = statements_in(searcher, table, docs, kinds)
    rows = [ledger_row(p, s, req.as_of) for p, s in pairs
            if (not req.actor or s.actor in req.actor)
            and (not req.loe or set(p.loe) & set(req.loe))
            and (not req.principle or set(p.principle) & set(req.principle))
            and (keywords is None or keywords.holds(p.docnum, s.text))]
    rows = sort_rows(rows, req.sort)
    return Ledger(rows=tuple(rows), groups=_groups(rows, taxonomy, req.loe),
                  marking=highest_marking([Marking[r.marking] for r in rows]))


@dataclass(frozen=True)
class KeywordMatch:
    """What a ledger keyword query matches: passages holding all its words, the statement
    words that must appear, and the kinds it names ("commitments on fuel")."""

    passages: frozenset[int] | None        # None: any passage (the query only named kinds)
    wanted: frozenset[str]
    kinds: tuple[str, ...]

    def holds(self, docnum: int, text: str) -> bool:
        """Return True when the statement `text` of passage `docnum` matches."""
        if self.passages is not None and docnum not in self.passages:
            return False
        return not self.wanted or any(t.text in self.wanted for t in terms(text))


def keyword_match(searcher: Searcher, taxonomy: Taxonomy, q: str,
                  kinds: tuple[str, ...]) -> KeywordMatch | None:
    """Return what keyword query `q` matches among statements (None: no query).

    Words naming a statement kind ("commitments", "decisions") narrow the kinds instead of
    being searched for; the rest must all occur in the statement's passage (acronyms and
    the taxonomy's equivalents expanded) and one of them in the statement itself.
    """
    if not q.strip():
        return None
    kind_terms = {normalize_word(k): k for k in LEDGER_KINDS}
    named = tuple(k for k in kinds if any(kind_terms.get(normalize_word(w)) == k
                                          for w in words(q)))
    rest = " ".join(w for w in q.split()
                    if not any(normalize_word(x) in kind_terms for x in words(w)))
    if not rest.strip():
        return KeywordMatch(None, frozenset(), named) if named else None
    acronyms = {a.short: a.long for a in taxonomy.acronyms}
    parsed = parse_query(rest, acronyms=acronyms, equivalents=taxonomy.equivalents)
    if parsed.query is None:
        raise QueryError("the keywords have no words to search for; try different words")
    query = wq.And([wq.Term(f.KIND, f.KIND_PASSAGE), parsed.query])
    found = frozenset(searcher.docs_for_query(query))
    return KeywordMatch(found, frozenset(parsed.highlight), named or kinds)


SORTS = {"date": lambda r: (r.date or "9999", r.doc_id),
         "due": lambda r: (due_iso(r.due) or "9999",),
         "actor": lambda r: (r.actor or "~",), "kind": lambda r: (r.kind,),
         "source": lambda r: (r.title.lower(),)}


def sort_rows(rows: list[LedgerRow], sort: str) -> list[LedgerRow]:
    """Return `rows` sorted by column `sort` ("date", "-date" for newest first, ...).

    Sorts are stable, so rows equal in the column keep their date order; undated (or
    undue) rows stay last whichever way the column is sorted.
    """
    key = SORTS[sort.lstrip("-")]
    descending = sort.startswith("-")
    known = [r for r in rows if key(r)[0] not in ("9999", "~")]
    unknown = [r for r in rows if key(r)[0] in ("9999", "~")]
    return sorted(known, key=key, reverse=descending) + unknown


def ledger_row(p: StoredPassage, s: Statement, as_of: str = "") -> LedgerRow:
    """Return the ledger row of statement `s` in passage `p`; past due against `as_of`."""
    return LedgerRow(kind=s.kind, text=statement_text(p.text, s.start, s.end, s.text),
                     actor=s.actor, amount=s.amount,
                     due=s.due, date=p.doc.meta.date, doc_id=p.doc.doc_id,
                     title=p.doc.meta.title or p.doc.path, type=p.doc.doc_type,
                     marking=p.doc.meta.marking.name, loe=p.loe, principle=p.principle,
                     citation=passage_citation(p),
                     past_due=s.kind in ("commitment", "action") and is_past(s.due, as_of))


def is_past(due: str | None, as_of: str) -> bool:
    """Return True when a due date as written is before `as_of` (unknown forms are not)."""
    iso = due_iso(due)
    return bool(iso and as_of) and iso < as_of


_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS.update({m: i + 1 for i, m in enumerate(
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split())})


def due_iso(due: str | None) -> str | None:
    """Return a due date as written ("31 March 2018", "2019-06-30") as YYYY-MM-DD, or None."""
    if not due:
        return None
    parts = due.replace(".", " ").replace(",", " ").split()
    if len(parts) == 1 and len(parts[0]) == 10 and parts[0][4] == "-":
        return parts[0]
    year = next((w for w in parts if w.isdigit() and len(w) == 4), None)
    month = next((_MONTHS[w.lower()] for w in parts if w.lower() in _MONTHS), None)
    day = next((int(w) for w in parts if w.isdigit() and len(w) <= 2), None)
    if not year:
        return None
    if month is None:
        return f"{year}-12-31"
    return f"{year}-{month:02d}-{day or 28:02d}"


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
