"""SearchRequest: the validated form of a search URL's query pairs (the URL is the state)."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Mapping, Sequence
from urllib.parse import urlencode

from indexer.records import DOC_TYPES, Taxonomy
from search.errors import QueryError

FACETS = ("loe", "principle", "type", "year", "lang", "org")
SORTS = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
MAX_RESULT_DEPTH = 1000          # page * per_page beyond this is refused
MAX_QUERY_CHARS = 1000
LANGS = ("en", "uk")
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A search as the user asked for it: text, facet selections, dates, sort and page."""

    text: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (facet, selected values)
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    expand: bool = True
    undated: bool = False          # date filters also keep documents without a date

    @classmethod
    def from_args(cls, args: Mapping[str, Sequence[str]], taxonomy: Taxonomy,
                  per_page: int = DEFAULT_PER_PAGE) -> "SearchRequest":
        """Return the request for URL query pairs; raise QueryError saying what to fix."""
        text = first_value(args, "q") or ""
        if len(text) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is too long ({len(text)} characters; at most "
                             f"{MAX_QUERY_CHARS})")
        filters = tuple((f, vals) for f in FACETS
                        if (vals := _values(args, f, taxonomy)))
        page = _int(args, "page", 1, 1, None)
        size = _int(args, "per_page", per_page, 1, MAX_PER_PAGE)
        if page * size > MAX_RESULT_DEPTH:
            raise QueryError(f"page {page} is too deep: results stop at {MAX_RESULT_DEPTH}; "
                             "narrow the search with facets or dates")
        sort = first_value(args, "sort") or ("relevance" if text.strip() else "newest")
        if sort not in SORTS:
            raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        date_from, date_to = date_range(args)
        return cls(text=text, filters=filters, date_from=date_from, date_to=date_to, sort=sort,
                   page=page, per_page=size,
                   expand=first_value(args, "expand") not in ("0", "off", "false"),
                   undated=first_value(args, "undated") in ("1", "on", "true"))

    def selected(self, facet: str) -> tuple[str, ...]:
        """Return the selected values of `facet`."""
        return dict(self.filters).get(facet, ())

    def pairs(self) -> list[tuple[str, str]]:
        """Return the request as URL query pairs (defaults left out)."""
        out = [("q", self.text)] if self.text else []
        out += [(f, v) for f, vals in self.filters for v in vals]
        out += [(k, v) for k, v in (("from", self.date_from), ("to", self.date_to)) if v]
        if self.sort != ("relevance" if self.text.strip() else "newest"):
            out.append(("sort", self.sort))
        if not self.expand:
            out.append(("expand", "0"))
        if self.undated and (self.date_from or self.date_to):
            out.append(("undated", "1"))
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self) -> str:
        """Return the URL query string for this request."""
        return urlencode(self.pairs())

    def toggled(self, facet: str, value: str) -> "SearchRequest":
        """Return this request with `value` of `facet` switched on or off, on page 1."""
        current = self.selected(facet)
        vals = tuple(v for v in current if v != value) if value in current else current + (value,)
        filters = tuple((f, vs) for f, vs in dict(self.filters, **{facet: vals}).items() if vs)
        order = {f: i for i, f in enumerate(FACETS)}
        return dataclasses.replace(self, filters=tuple(sorted(filters, key=lambda x: order[x[0]])),
                                   page=1)

    def with_page(self, page: int) -> "SearchRequest":
        """Return this request on another page."""
        return dataclasses.replace(self, page=page)

    def without_expansion(self) -> "SearchRequest":
        """Return this request with acronym and equivalent expansion switched off."""
        return dataclasses.replace(self, expand=False, page=1)

    def with_undated(self) -> "SearchRequest":
        """Return this request also keeping undated documents under its date filters."""
        return dataclasses.replace(self, undated=True, page=1)

    def with_text(self, text: str) -> "SearchRequest":
        """Return this request with other query text, on page 1."""
        return dataclasses.replace(self, text=text, page=1)


def first_value(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    """Return the first value of query parameter `name`, or None."""
    vals = args.get(name) or ()
    return vals[0] if vals else None


def _int(args: Mapping[str, Sequence[str]], name: str, default: int, low: int,
         high: int | None) -> int:
    raw = first_value(args, name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise QueryError(f"{name} must be a whole number, not {raw[:20]!r}")
    value = int(raw)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high else f"at least {low}"
        raise QueryError(f"{name} must be {bound}")
    return value


def date_arg(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    """Return parameter `name` as YYYY, YYYY-MM or YYYY-MM-DD; raise QueryError otherwise."""
    raw = (first_value(args, name) or "").strip()
    if not raw:
        return None
    if not _DATE.match(raw):
        raise QueryError(f"{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {raw[:20]!r}")
    return raw


def check_period(date_from: str | None, date_to: str | None) -> None:
    """Raise QueryError when the period ends before it starts."""
    if date_from and date_to and date_to < date_from[:len(date_to)]:
        raise QueryError(f"the period ends ({date_to}) before it starts ({date_from}): "
                         f"swap the dates (from {date_to} to {date_from})")


def date_range(args: Mapping[str, Sequence[str]]) -> tuple[str | None, str | None]:
    """Return the `from` and `to` dates; raise QueryError when `to` is before `from`."""
    date_from, date_to = date_arg(args, "from"), date_arg(args, "to")
    check_period(date_from, date_to)
    return date_from, date_to


def _values(args: Mapping[str, Sequence[str]], facet: str, taxonomy: Taxonomy) -> tuple[str, ...]:
    """Return the distinct non-empty values of `facet`, validated against the taxonomy."""
    vals = tuple(dict.fromkeys(v.strip() for v in args.get(facet, ()) if v.strip()))
    allowed = _allowed(facet, taxonomy)
    for v in vals:
        if allowed is not None and v not in allowed:
            raise QueryError(f"unknown {_FACET_NAMES[facet]} {v[:40]!r}: use one of "
                             f"{', '.join(sorted(allowed))}")
        if facet == "year" and not re.fullmatch(r"\d{4}", v):
            raise QueryError(f"year must be four digits, not {v[:20]!r}")
    return vals


def _allowed(facet: str, taxonomy: Taxonomy) -> frozenset[str] | None:
    if facet in ("loe", "principle"):
        return frozenset(t.id for t in taxonomy.group(facet))
    if facet == "type":
        return frozenset(DOC_TYPES)
    if facet == "lang":
        return frozenset(LANGS)
    return None


_FACET_NAMES = {"loe": "line of effort", "principle": "principle", "type": "document type",
                "lang": "language", "year": "year", "org": "organization"}
SORT_LABELS = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}
FACET_LABELS = {"loe": "Line of effort", "principle": "Principle", "type": "Document type",
                "year": "Year", "lang": "Language", "org": "Organization"}
