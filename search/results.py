"""Result dataclasses returned by search/ (JSON = dataclasses.asdict of these)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of snippet text; `is_match` pieces are highlighted."""

    text: str
    is_match: bool


@dataclass(frozen=True, slots=True)
class Snippet:
    """A passage shown under a hit, highlighted, linking to its place on the document page."""

    passage_id: str
    html: str
    section: str
    page: int | None
    fragments: tuple[Fragment, ...]
    anchor: str                       # "p-12"


@dataclass(frozen=True, slots=True)
class DocumentHit:
    """One document in a result list, with its best passages."""

    id: str
    path: str
    title: str
    date: str | None
    type: str
    lang: str
    marking: str
    loe: tuple[str, ...]
    principle: tuple[str, ...]
    score: float
    snippets: tuple[Snippet, ...]


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet with its count; `query_string` toggles it in the URL."""

    value: str
    label: str
    count: int
    selected: bool
    query_string: str


@dataclass(frozen=True, slots=True)
class Expansion:
    """An acronym expansion applied to the query ("MJC" also searched as its long form)."""

    term: str
    expansion: str


@dataclass(frozen=True, slots=True)
class Chip:
    """An active filter shown above the results, with the URL that removes it."""

    facet: str
    value: str
    label: str
    remove_query_string: str


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of document hits plus facets for the whole visible result set."""

    total: int
    page: int
    per_page: int
    pages: int
    hits: tuple[DocumentHit, ...]
    facets: dict[str, tuple[FacetValue, ...]]   # facet name -> non-zero values
    suggestion: str | None
    suggestion_query_string: str | None
    expanded: tuple[Expansion, ...]
    chips: tuple[Chip, ...]
    took_ms: float
    is_browse: bool
    undated: int = 0                          # matching documents the date filters left out
    undated_query_string: str | None = None   # the same search keeping undated documents
