"""Citations of passages, and the passage records precedents, the ledger and the brief read."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.records import (IndexedDocument, Marking, Statement, decode_statements,
                             decode_tags)
from search.doctable import DocTable
from search.query import check_period  # noqa: F401  (re-exported)

# Which statement of a passage speaks for it: decisions first, figures last.
KIND_STRENGTH = {"decision": 0, "commitment": 1, "action": 2, "figure": 3}


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a passage is: enough to find it again and to quote it in a paper."""

    doc_id: str
    passage_id: str
    title: str
    date: str | None
    section: str
    page: int | None
    anchor: str                       # "p-3"
    url: str                          # "/documents/<id>#p-3"
    label: str                        # "Title, 2019-06-20, Section, p. 2, ¶3"
    text: str                         # the label and the link, on one line


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage read back from the index, with its document (never a Whoosh hit)."""

    docnum: int
    doc: IndexedDocument
    passage_id: str
    n: int
    text: str
    section: str
    page: int | None
    loe: tuple[str, ...]
    principle: tuple[str, ...]
    statements: tuple[Statement, ...]


def cite(doc: IndexedDocument, passage_id: str, n: int, section: str,
         page: int | None) -> Citation:
    """Return the citation of passage `n` of `doc`."""
    anchor = f"p-{n}"
    url = f"/documents/{doc.doc_id}#{anchor}"
    title = doc.meta.title or doc.path
    parts = [title, doc.meta.date or "undated"]
    section = "" if _same_words(section, title) else section
    parts += [p for p in (section, f"p. {page}" if page else "", f"¶{n}") if p]
    label = ", ".join(parts)
    return Citation(doc_id=doc.doc_id, passage_id=passage_id, title=doc.meta.title or doc.path,
                    date=doc.meta.date, section=section, page=page, anchor=anchor, url=url,
                    label=label, text=f"{label} <{url}>")


def _same_words(a: str, b: str) -> bool:
    """Return True when two headings say the same (a section named like its document)."""
    def key(x: str) -> str:
        return " ".join("".join(c.lower() if c.isalnum() else " " for c in x).split())
    return bool(a) and key(a) == key(b)


def stored_passage(searcher: Searcher, table: DocTable, docnum: int) -> StoredPassage:
    """Return the passage stored at Whoosh `docnum` with its document."""
    s = searcher.stored_fields(docnum)
    text = s.get(f.BODY, "")
    tags = decode_tags(s.get(f.TAGS_JSON), text)
    return StoredPassage(
        docnum=docnum, doc=table.docs[int(table.passage_doc[docnum])],
        passage_id=s[f.PASSAGE_ID], n=s.get(f.N, 0), text=text,
        section=s.get(f.SECTION_NAME, ""), page=s.get(f.PAGE),
        loe=tuple(t.tag for t in tags if t.group == "loe"),
        principle=tuple(t.tag for t in tags if t.group == "principle"),
        statements=decode_statements(s.get(f.STATEMENTS_JSON), text))


def passage_citation(p: StoredPassage) -> Citation:
    """Return the citation of a stored passage."""
    return cite(p.doc, p.passage_id, p.n, p.section, p.page)


def strongest(statements: tuple[Statement, ...]) -> Statement | None:
    """Return the statement that speaks for a passage (decision > commitment > action > figure)."""
    ranked = sorted(statements, key=lambda s: KIND_STRENGTH.get(s.kind, 9))
    return ranked[0] if ranked else None


def allowed_passages(table: DocTable, doc_mask: np.ndarray) -> set[int]:
    """Return the Whoosh docnums of passages whose document is in `doc_mask`."""
    owners = table.passage_doc
    ok = owners >= 0
    ok[ok] = doc_mask[owners[ok]]
    return set(np.flatnonzero(ok).tolist())


def type_mask(table: DocTable, types: tuple[str, ...]) -> np.ndarray:
    """Return a bool mask of documents of any of `types` (all documents when none chosen)."""
    if not types:
        return np.ones(len(table.docs), dtype=bool)
    return np.array([d.doc_type in types for d in table.docs], dtype=bool)


def highest_marking(markings: list[Marking]) -> Marking:
    """Return the highest of `markings` (PUBLIC when there is nothing)."""
    return max(markings, default=Marking.PUBLIC)


