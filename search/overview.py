"""Reading aids for new personnel: tag pages, home cards, and reading lists per line of effort.

Every function here takes the viewer's `clearance` (or a mask computed from it) and only
counts, charts or quotes documents visible at it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from whoosh.searching import Searcher

from indexer.records import IndexedDocument, Marking, TagDef, Taxonomy
from search.charts import (Sparkline, YearChart, documents_per_year, sparkline, year_chart,
                           year_range)
from search.doctable import DocTable
from search.documents import (PassageView, content_terms, is_summary_worthy, summarize,
                              text_sentences)
from search.errors import NotFound, QueryError
from search.passage_reads import leading_passages, tagged_passages
from search.query import SearchRequest

KEY_DOCUMENTS = 6
DECISIONS = 6
CO_TAGS = 6
RECENT_DOCUMENTS = 8
READING_ITEMS = 3
LEADING_PASSAGES = 6
TAG_GROUPS = ("loe", "principle")


@dataclass(frozen=True, slots=True)
class TaggedLine:
    """The sentence of a document that best states what it says about one tag."""

    text: str
    passage_id: str
    anchor: str                        # "p-12" on the document page


@dataclass(frozen=True, slots=True)
class KeyDocument:
    """A document strongly tagged with a tag, with its one-line tagged summary."""

    id: str
    title: str
    date: str | None
    type: str
    marking: str
    score: float
    line: TaggedLine | None


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision stated in a passage tagged with the tag."""

    text: str
    doc_id: str
    doc_title: str
    date: str | None
    type: str
    anchor: str
    actor: str | None


@dataclass(frozen=True, slots=True)
class CoTag:
    """Another tag carried by the same documents, with how many of them carry it."""

    group: str
    id: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class TagPage:
    """Everything a line-of-effort or principle page shows."""

    group: str
    id: str
    name: str
    definition: str
    count: int
    chart: YearChart
    key_documents: tuple[KeyDocument, ...]
    decisions: tuple[Decision, ...]
    co_tags: tuple[CoTag, ...]
    search_query_string: str


@dataclass(frozen=True, slots=True)
class TagCard:
    """A home-page card: a tag, its document count and its trend over the years."""

    group: str
    id: str
    name: str
    definition: str
    count: int
    trend: Sparkline
    search_query_string: str


@dataclass(frozen=True, slots=True)
class RecentDocument:
    """A recently dated document with the sentence that best summarizes it."""

    id: str
    title: str
    date: str | None
    type: str
    lang: str
    marking: str
    loe: tuple[str, ...]
    principle: tuple[str, ...]
    line: str


@dataclass(frozen=True, slots=True)
class HomeOverview:
    """The home page: cards per line of effort and principle, and recent documents."""

    total: int
    loe: tuple[TagCard, ...]
    principle: tuple[TagCard, ...]
    recent: tuple[RecentDocument, ...]


@dataclass(frozen=True, slots=True)
class ReadingItem:
    """A document to read first, why it is on the list, and its tagged summary line."""

    id: str
    title: str
    date: str | None
    type: str
    marking: str
    path: str
    reason: str
    line: TaggedLine | None


@dataclass(frozen=True, slots=True)
class ReadingList:
    """The documents a newcomer should read first for one line of effort."""

    id: str
    name: str
    definition: str
    count: int
    central: tuple[ReadingItem, ...]
    agreements: tuple[ReadingItem, ...]
    minutes: tuple[ReadingItem, ...]


# --- tag pages ----------------------------------------------------------------------------


def tag_definition(taxonomy: Taxonomy, group: str, tag_id: str) -> TagDef:
    """Return the taxonomy entry of a line of effort or principle; raise NotFound if unknown."""
    if group not in TAG_GROUPS:
        raise NotFound(group)
    found = next((t for t in taxonomy.group(group) if t.id == tag_id), None)
    if found is None:
        raise NotFound(tag_id)
    return found


def tagged_mask(table: DocTable, clearance: Marking, group: str, tag_id: str) -> np.ndarray:
    """Return a bool mask of the documents visible at `clearance` that carry the tag."""
    return table.visible(clearance) & table.facets[group].mask_any((tag_id,))


def tag_page(searcher: Searcher, table: DocTable, taxonomy: Taxonomy, group: str, tag_id: str,
             clearance: Marking) -> TagPage:
    """Return the page of one line of effort or principle, as seen at `clearance`."""
    tag = tag_definition(taxonomy, group, tag_id)
    mask = tagged_mask(table, clearance, group, tag_id)
    visible = table.visible(clearance)
    terms = _tag_terms(tag)
    keys = tuple(_key_document(searcher, table, visible, d, group, tag_id, terms)
                 for d in _strongest(table, mask, group, tag_id, KEY_DOCUMENTS))
    req = SearchRequest.from_args({group: [tag_id]}, taxonomy)
    return TagPage(group, tag_id, tag.name, tag.definition, int(mask.sum()),
                   year_chart(table, mask), keys,
                   recent_decisions(searcher, table, mask, group, tag_id),
                   co_tags(table, mask, taxonomy, group, tag_id), req.query_string())


def _strongest(table: DocTable, mask: np.ndarray, group: str, tag_id: str,
               limit: int) -> list[IndexedDocument]:
    """Return the documents in `mask` by descending score for the tag (newest first on ties)."""
    docs = [table.docs[o] for o in np.flatnonzero(mask)]
    docs.sort(key=lambda d: d.meta.date or "", reverse=True)
    docs.sort(key=lambda d: -_score(d, group, tag_id))
    return docs[:limit]


def _score(doc: IndexedDocument, group: str, tag_id: str) -> float:
    return next((t.score for t in doc.tags if t.group == group and t.tag == tag_id), 0.0)


def _key_document(searcher: Searcher, table: DocTable, visible: np.ndarray,
                  doc: IndexedDocument, group: str, tag_id: str,
                  terms: set[str]) -> KeyDocument:
    passages = tagged_passages(searcher, table, visible, group, tag_id, doc_id=doc.doc_id)
    return KeyDocument(doc.doc_id, doc.meta.title, doc.meta.date, doc.doc_type,
                       doc.meta.marking.name, _score(doc, group, tag_id),
                       tagged_line(doc, passages, group, tag_id, terms))


def recent_decisions(searcher: Searcher, table: DocTable, mask: np.ndarray, group: str,
                     tag_id: str, limit: int = DECISIONS) -> tuple[Decision, ...]:
    """Return the newest decisions in passages tagged with the tag, in documents of `mask`.

    `mask` holds the visible documents carrying the tag, so a stray passage tag in an
    unrelated document does not bring its decisions in.
    """
    out = []
    for p in tagged_passages(searcher, table, mask, group, tag_id, statement_kind="decision"):
        doc = table.docs[table.ordinal[p.doc_id]]
        out += [Decision(_clean(s.text), doc.doc_id, doc.meta.title, doc.meta.date,
                         doc.doc_type, p.anchor, s.actor)
                for s in p.statements if s.kind == "decision"]
    out.sort(key=lambda d: (d.date or "", d.doc_id), reverse=True)
    return tuple(out[:limit])


def _clean(text: str) -> str:
    """Return a statement's text with whitespace collapsed and a leading list bullet dropped."""
    return " ".join(text.split()).lstrip("•·-–—*▪◦ ")


def co_tags(table: DocTable, mask: np.ndarray, taxonomy: Taxonomy, group: str, tag_id: str,
            limit: int = CO_TAGS) -> tuple[CoTag, ...]:
    """Return the other tags most often carried by the documents in `mask`, most first."""
    found = []
    for other in TAG_GROUPS:
        column = table.facets[other]
        counts = column.matrix[mask].sum(axis=0) if column.values else []
        for value, n in zip(column.values, counts):
            if n and not (other == group and value == tag_id):
                found.append(CoTag(other, value, taxonomy.label(other, value), int(n)))
    found.sort(key=lambda c: (-c.count, c.group, c.label))
    return tuple(found[:limit])


# --- the one-line tagged summary ------------------------------------------------------------


def tagged_line(doc: IndexedDocument, passages: tuple[PassageView, ...], group: str,
                tag_id: str, terms: set[str]) -> TaggedLine | None:
    """Return the sentence of `passages` that best states what the document says about the tag.

    Candidates are the sentences of the passages tagged with it; the tag's evidence sentences
    weigh most (document-level evidence above passage-level), then sentences sharing words
    with the tag's name and definition, then informative ones. Boilerplate never qualifies.
    """
    doc_evidence = {" ".join(e.text.split()) for t in doc.tags
                    if t.group == group and t.tag == tag_id for e in t.evidence}
    best: tuple[float, int, TaggedLine] | None = None
    for order, (sentence, p) in enumerate(_candidates(passages)):
        if not is_summary_worthy(sentence):
            continue
        hit = p.tag(group, tag_id)
        evidence = {" ".join(e.text.split()) for e in hit.evidence} if hit else set()
        weight = 3.0 if sentence in doc_evidence else 2.0 if sentence in evidence else 0.0
        score = weight + _sentence_value(sentence, terms)
        if best is None or score > best[0]:
            best = (score, -order, TaggedLine(sentence, p.id, p.anchor))
    return best[2] if best else None


def _candidates(passages: tuple[PassageView, ...]) -> list[tuple[str, PassageView]]:
    return [(s, p) for p in passages for s in text_sentences(p.text)]


def _sentence_value(sentence: str, terms: set[str]) -> float:
    """Return how informative a sentence is about a tag: shared tag words, then content."""
    words = set(content_terms(sentence))
    return math.sqrt(len(words & terms)) + min(len(words), 18) / 9


def _tag_terms(tag: TagDef) -> set[str]:
    """Return the words of a tag's names, definition and positive phrase cues (all languages)."""
    cues = [c.pattern for c in tag.cues if c.weight > 0 and not c.pattern.startswith("re:")]
    return set(content_terms(" ".join([tag.name, tag.definition, *tag.names.values(), *cues])))


# --- home -----------------------------------------------------------------------------------


def home_overview(searcher: Searcher, table: DocTable, taxonomy: Taxonomy,
                  clearance: Marking) -> HomeOverview:
    """Return the home page data visible at `clearance`."""
    visible = table.visible(clearance)
    years = _visible_years(table, visible)
    cards = {g: tuple(_card(table, taxonomy, clearance, t, years) for t in taxonomy.group(g))
             for g in TAG_GROUPS}
    return HomeOverview(int(visible.sum()), cards["loe"], cards["principle"],
                        recent_documents(searcher, table, visible))


def _visible_years(table: DocTable, visible: np.ndarray) -> list[str]:
    column = table.facets["year"]
    present = [v for v, n in zip(column.values, column.matrix[visible].sum(axis=0)) if n]
    return year_range(present[0], present[-1]) if present else []


def _card(table: DocTable, taxonomy: Taxonomy, clearance: Marking, tag: TagDef,
          years: list[str]) -> TagCard:
    mask = tagged_mask(table, clearance, tag.group, tag.id)
    req = SearchRequest.from_args({tag.group: [tag.id]}, taxonomy)
    return TagCard(tag.group, tag.id, tag.name, tag.definition, int(mask.sum()),
                   sparkline(documents_per_year(table, mask, years), years),
                   req.query_string())


def recent_documents(searcher: Searcher, table: DocTable, visible: np.ndarray,
                     limit: int = RECENT_DOCUMENTS) -> tuple[RecentDocument, ...]:
    """Return the newest dated visible documents, each with its best summary sentence."""
    ordinals = [o for o in np.flatnonzero(visible) if table.dates[o]]
    ordinals.sort(key=lambda o: (table.dates[o], table.docs[o].doc_id), reverse=True)
    out = []
    for o in ordinals[:limit]:
        doc = table.docs[o]
        lines = summarize(leading_passages(searcher, doc.doc_id, LEADING_PASSAGES),
                          doc.meta.title, limit=1)
        out.append(RecentDocument(doc.doc_id, doc.meta.title, doc.meta.date, doc.doc_type,
                                  doc.meta.lang, doc.meta.marking.name, doc.tag_ids("loe"),
                                  doc.tag_ids("principle"), lines[0] if lines else ""))
    return tuple(out)


# --- reading lists --------------------------------------------------------------------------


def reading_lists(searcher: Searcher, table: DocTable, taxonomy: Taxonomy, clearance: Marking,
                  loe: str | None = None) -> tuple[ReadingList, ...]:
    """Return the newcomer reading list of every line of effort (or of `loe` only).

    Raises QueryError for an unknown `loe`.
    """
    known = {t.id: t for t in taxonomy.loe}
    if loe is not None and loe not in known:
        raise QueryError(f"unknown line of effort {loe!r}: use one of {', '.join(known)}")
    tags = [known[loe]] if loe else list(taxonomy.loe)
    return tuple(_reading_list(searcher, table, clearance, t) for t in tags)


def _reading_list(searcher: Searcher, table: DocTable, clearance: Marking,
                  tag: TagDef) -> ReadingList:
    mask = tagged_mask(table, clearance, tag.group, tag.id)
    central = _strongest(table, mask, tag.group, tag.id, READING_ITEMS)
    seen = {d.doc_id for d in central}
    newest = sorted((table.docs[o] for o in np.flatnonzero(mask)),
                    key=lambda d: (d.meta.date or "", d.doc_id), reverse=True)
    agreements = [d for d in newest if d.doc_type == "agreement" and d.doc_id not in seen]
    minutes = [d for d in newest if d.doc_type == "minutes" and d.doc_id not in seen]
    item = _reading_item_maker(searcher, table, table.visible(clearance), tag)
    return ReadingList(tag.id, tag.name, tag.definition, int(mask.sum()),
                       tuple(item(d, "most strongly tagged") for d in central),
                       tuple(item(d, "recent agreement") for d in agreements[:READING_ITEMS]),
                       tuple(item(d, "recent minutes") for d in minutes[:READING_ITEMS]))


def _reading_item_maker(searcher: Searcher, table: DocTable, visible: np.ndarray,
                        tag: TagDef) -> Callable[[IndexedDocument, str], ReadingItem]:
    """Return a function making the ReadingItem of a document for this tag."""
    terms = _tag_terms(tag)

    def make(doc: IndexedDocument, reason: str) -> ReadingItem:
        passages = tagged_passages(searcher, table, visible, tag.group, tag.id,
                                   doc_id=doc.doc_id)
        return ReadingItem(doc.doc_id, doc.meta.title, doc.meta.date, doc.doc_type,
                           doc.meta.marking.name, doc.path, reason,
                           tagged_line(doc, passages, tag.group, tag.id, terms))
    return make
