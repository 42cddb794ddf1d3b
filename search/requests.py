"""Requests of the precedent finder, the commitments ledger and the consultation brief.

Each `from_args` takes plain URL query pairs (never a Flask request) and raises QueryError
saying what to fix, like search.query.SearchRequest.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence
from urllib.parse import urlencode

from indexer.records import ACTORS, DOC_TYPES, STATEMENT_KINDS, Taxonomy
from search.citations import check_period
from search.errors import QueryError
from search.query import date_arg, first_value

MAX_QUERY_CHARS = 1000
MAX_TEXT_CHARS = 6000
VIEWS = ("ranked", "timeline")
LEDGER_KINDS = ("commitment", "decision")
LEDGER_SORTS = ("date", "kind", "actor", "due", "source")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
Args = Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class PrecedentRequest:
    """A precedent search: keyword query and/or pasted paragraph, filters, view."""

    q: str = ""
    text: str = ""
    loe: tuple[str, ...] = ()
    principle: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    view: str = "ranked"
    limit: int = DEFAULT_LIMIT         # documents per page
    page: int = 1

    @classmethod
    def from_args(cls, args: Args, taxonomy: Taxonomy) -> "PrecedentRequest":
        """Return the request for URL query pairs; raise QueryError saying what to fix."""
        q, text = _text(args, "q", MAX_QUERY_CHARS), _text(args, "text", MAX_TEXT_CHARS)
        view = first_value(args, "view") or "ranked"
        if view not in VIEWS:
            raise QueryError(f"unknown view {view[:20]!r}: use ranked or timeline")
        date_from, date_to = date_arg(args, "from"), date_arg(args, "to")
        check_period(date_from, date_to)
        return cls(q=q, text=text, loe=_tags(args, "loe", taxonomy),
                   principle=_tags(args, "principle", taxonomy),
                   kind=_choice(args, "kind", STATEMENT_KINDS, "statement kind"),
                   type=_choice(args, "type", DOC_TYPES, "document type"),
                   date_from=date_from, date_to=date_to, view=view,
                   limit=(limit := _limit(args)), page=_page(args, limit))

    @property
    def is_empty(self) -> bool:
        """Return True when there is neither a query nor a paragraph to search with."""
        return not (self.q.strip() or self.text.strip())

    def query_string(self, **changes: str) -> str:
        """Return the URL query string of this request, with `changes` applied (e.g. view)."""
        pairs = [("q", self.q), ("text", self.text)]
        pairs += [(k, v) for k in ("loe", "principle", "kind", "type") for v in getattr(self, k)]
        pairs += [("from", self.date_from or ""), ("to", self.date_to or ""),
                  ("view", self.view)]
        if self.limit != DEFAULT_LIMIT:
            pairs.append(("limit", str(self.limit)))
        changes.setdefault("page", str(self.page) if self.page != 1 else "")
        pairs.append(("page", ""))
        merged = [(k, changes.pop(k) if k in changes else v) for k, v in pairs]
        return urlencode([(k, v) for k, v in merged + list(changes.items()) if v])


@dataclass(frozen=True, slots=True)
class LedgerRequest:
    """The commitments ledger: which kinds, lines of effort, actors, types and period."""

    kind: tuple[str, ...] = LEDGER_KINDS
    loe: tuple[str, ...] = ()
    principle: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    q: str = ""                        # keywords the statements (and their passages) hold
    sort: str = "date"                 # a LEDGER_SORTS column; "-" first: descending
    as_of: str = ""                    # ISO date: commitments due before it are past due

    @classmethod
    def from_args(cls, args: Args, taxonomy: Taxonomy, today: str = "") -> "LedgerRequest":
        """Return the request for URL query pairs; raise QueryError saying what to fix."""
        date_from, date_to = date_arg(args, "from"), date_arg(args, "to")
        check_period(date_from, date_to)
        sort = first_value(args, "sort") or "date"
        if sort.lstrip("-") not in LEDGER_SORTS:
            raise QueryError(f"unknown sort {sort[:20]!r}: use one of {', '.join(LEDGER_SORTS)}"
                             " (with a leading - for descending)")
        return cls(kind=_choice(args, "kind", LEDGER_KINDS, "ledger kind") or LEDGER_KINDS,
                   loe=_tags(args, "loe", taxonomy), principle=_tags(args, "principle", taxonomy),
                   actor=_choice(args, "actor", ACTORS, "actor"),
                   type=_choice(args, "type", DOC_TYPES, "document type"),
                   date_from=date_from, date_to=date_to, q=_text(args, "q", MAX_QUERY_CHARS),
                   sort=sort, as_of=today)

    def pairs(self, sort: bool = True) -> list[tuple[str, str]]:
        """Return the request as URL query pairs (defaults left out)."""
        pairs = [("q", self.q)] if self.q.strip() else []
        pairs += [(k, v) for k in ("loe", "principle", "actor", "type") for v in getattr(self, k)]
        if self.kind != LEDGER_KINDS:
            pairs += [("kind", v) for v in self.kind]
        pairs += [(k, v) for k, v in (("from", self.date_from), ("to", self.date_to)) if v]
        if sort and self.sort != "date":
            pairs.append(("sort", self.sort))
        return pairs

    def query_string(self) -> str:
        """Return the URL query string of this request (for the CSV link)."""
        return urlencode(self.pairs())

    def sorted_by(self, column: str) -> str:
        """Return the query string sorting by `column`: ascending, or descending when the
        ledger is already sorted ascending by it."""
        sort = f"-{column}" if self.sort == column else column
        return urlencode(self.pairs(sort=False) + ([("sort", sort)] if sort != "date" else []))

    def chips(self, taxonomy: Taxonomy) -> tuple[tuple[str, str, str], ...]:
        """Return the active filters as (name, value label, query string without it)."""
        out = []
        pairs = self.pairs()
        labels = {"q": "Keywords", "loe": "Line of effort", "principle": "Principle",
                  "actor": "Actor", "type": "Document type", "kind": "Kind", "from": "From",
                  "to": "To"}
        for i, (k, v) in enumerate(pairs):
            if k == "sort":
                continue
            shown = taxonomy.label(k, v) if k in ("loe", "principle", "type") else v
            rest = pairs[:i] + pairs[i + 1:]
            out.append((labels[k], shown, urlencode(rest)))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class BriefRequest:
    """A consultation brief: lines of effort and/or principles, a period, and today's date."""

    loe: tuple[str, ...] = ()
    principle: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    as_of: str = ""                    # ISO date: action items due before it are past due

    @classmethod
    def from_args(cls, args: Args, taxonomy: Taxonomy, today: str) -> "BriefRequest":
        """Return the request for URL query pairs; no tag chosen means every line of effort."""
        date_from, date_to = date_arg(args, "from"), date_arg(args, "to")
        check_period(date_from, date_to)
        loe, principle = _tags(args, "loe", taxonomy), _tags(args, "principle", taxonomy)
        if not loe and not principle:
            loe = tuple(t.id for t in taxonomy.loe)
        as_of = min(today, _period_end(date_to)) if date_to else today
        return cls(loe=loe, principle=principle, date_from=date_from, date_to=date_to,
                   as_of=as_of)

    def query_string(self) -> str:
        """Return the URL query string of this request (for the download links)."""
        pairs = [(k, v) for k in ("loe", "principle") for v in getattr(self, k)]
        pairs += [(k, v) for k, v in (("from", self.date_from), ("to", self.date_to)) if v]
        return urlencode(pairs)


def _text(args: Args, name: str, limit: int) -> str:
    text = (first_value(args, name) or "").strip()
    if len(text) > limit:
        raise QueryError(f"{name} is too long ({len(text)} characters; at most {limit})")
    return text


def _values(args: Args, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in args.get(name, ()) if v.strip()))


def _choice(args: Args, name: str, allowed: Sequence[str], label: str) -> tuple[str, ...]:
    vals = _values(args, name)
    for v in vals:
        if v not in allowed:
            raise QueryError(f"unknown {label} {v[:40]!r}: use one of {', '.join(allowed)}")
    return vals


def _tags(args: Args, group: str, taxonomy: Taxonomy) -> tuple[str, ...]:
    label = "line of effort" if group == "loe" else "principle"
    return _choice(args, group, tuple(t.id for t in taxonomy.group(group)), label)


def _limit(args: Args) -> int:
    raw = (first_value(args, "limit") or "").strip()
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw[:4]) <= MAX_LIMIT:
        raise QueryError(f"limit must be a whole number between 1 and {MAX_LIMIT}")
    return int(raw)


MAX_PRECEDENT_DEPTH = 1000


def _page(args: Args, per_page: int) -> int:
    raw = (first_value(args, "page") or "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        raise QueryError("page must be a whole number of at least 1")
    if int(raw) * per_page > MAX_PRECEDENT_DEPTH:
        raise QueryError(f"page {raw} is too deep: precedents stop at {MAX_PRECEDENT_DEPTH}; "
                         "narrow them with filters or dates")
    return int(raw)


def _period_end(date_to: str) -> str:
    """Return the last day a YYYY / YYYY-MM / YYYY-MM-DD period bound covers, as YYYY-MM-DD."""
    if len(date_to) == 4:
        return f"{date_to}-12-31"
    if len(date_to) == 7:
        return f"{date_to}-31"
    return date_to
