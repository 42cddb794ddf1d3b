"""Typed records that cross the indexer -> search boundary.

Everything here is a frozen dataclass or an enum, and picklable: worker processes
return these to the writer process.
"""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field


class Marking(enum.IntEnum):
    """A document's sensitivity; compare with <, never by string."""

    PUBLIC = 0
    INTERNAL = 1
    RESTRICTED = 2

    @classmethod
    def parse(cls, value: object) -> "Marking":
        """Return the marking named by `value` (case-insensitive); raise ValueError if unknown.

        An absent value (None or "") means INTERNAL, the domain's default.
        """
        if value is None or (isinstance(value, str) and not value.strip()):
            return cls.INTERNAL
        if isinstance(value, Marking):
            return value
        name = str(value).strip().upper()
        try:
            return cls[name]
        except KeyError:
            allowed = ", ".join(m.name for m in cls)
            raise ValueError(f"unknown marking {value!r} (expected one of {allowed})") from None


DOC_TYPES = ("agreement", "policy", "minutes", "reform-plan", "report", "announcement", "other")
FORMATS = ("md", "html", "txt", "pdf", "docx")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit of a document's text, in reading order."""

    text: str
    section: str = ""          # nearest heading above, "" if none
    page: int | None = None    # 1-based page for paged formats (PDF), else None
    is_heading: bool = False


@dataclass(frozen=True, slots=True)
class Amount:
    """A money amount mentioned in the text."""

    text: str                  # as written: "$600 million"
    value: float | None        # in units of `currency`, when it could be computed
    currency: str              # "USD", "EUR", "UAH", ...


@dataclass(frozen=True, slots=True)
class Acronym:
    """A "Long Form (ACR)" definition found in a document."""

    short: str
    long: str


@dataclass(frozen=True, slots=True)
class DocMeta:
    """Metadata of a document. Unknown values stay None/empty, never invented."""

    title: str
    date: str | None = None            # ISO "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    lang: str = "en"                   # "en" | "uk"
    doc_type: str | None = None        # one of DOC_TYPES, None when not stated
    marking: Marking = Marking.INTERNAL
    author: str | None = None
    orgs: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()
    acronyms: tuple[Acronym, ...] = ()
    date_source: str = ""              # "front-matter", "text", "file-metadata", "" if none
    title_source: str = ""             # "front-matter", "file-metadata", "text", "file-name"
    hint_title: str | None = None      # the title the file format carries (HTML <title>, PDF info)
    hint_date: str | None = None       # the date the file format carries
    source_name: str = ""              # the file's name as the user gave it (an upload's original)


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A file read by a reader: its blocks of text and its metadata."""

    doc_id: str
    path: str                          # relative to the corpus folder, with "/" separators
    fmt: str                           # one of FORMATS
    meta: DocMeta
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        """The whole text, blocks separated by blank lines."""
        return "\n\n".join(b.text for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The span of text that made a tag fire."""

    text: str                          # the sentence that fired
    start: int                         # character offsets into the passage text
    end: int
    cue: str                           # the cue (phrase/pattern/model) that fired
    passage_id: str = ""               # set on document-level evidence: the passage it is in


@dataclass(frozen=True, slots=True)
class TagHit:
    """One tag assigned to a passage or document, with its score and evidence."""

    tag: str
    group: str                         # "loe" | "principle"
    score: float
    evidence: tuple[Evidence, ...] = ()


STATEMENT_KINDS = ("commitment", "decision", "action", "figure")
# Who a statement is by (indexer/actors.py decides; search/ filters on these values).
ACTOR_US, ACTOR_UKRAINE, ACTOR_NATO, ACTOR_PARTNERS, ACTOR_BOTH = (
    "United States / DoD", "Ukraine / MoD", "NATO", "Other partners", "Both sides")
ACTORS = (ACTOR_US, ACTOR_UKRAINE, ACTOR_NATO, ACTOR_PARTNERS, ACTOR_BOTH)


@dataclass(frozen=True, slots=True)
class Statement:
    """A sentence classified as a commitment, decision, action item or figure."""

    kind: str                          # "commitment" | "decision" | "action" | "figure"
    text: str
    start: int
    end: int
    actor: str | None = None
    amount: str | None = None
    due: str | None = None


@dataclass(frozen=True, slots=True)
class Passage:
    """The indexed and returned unit: a run of sentences inside one section."""

    passage_id: str                    # "<doc_id>#<n>", stable across rebuilds
    doc_id: str
    n: int
    text: str
    section: str = ""
    page: int | None = None
    tags: tuple[TagHit, ...] = ()
    statements: tuple[Statement, ...] = ()

    def tag_ids(self, group: str) -> tuple[str, ...]:
        """Return the ids of this passage's tags in `group`."""
        return tuple(t.tag for t in self.tags if t.group == group)


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """What a worker hands to the writer: the document, its passages and document tags."""

    doc: SourceDocument
    passages: tuple[Passage, ...]
    tags: tuple[TagHit, ...]
    doc_type: str                      # final type: metadata wins, else the classifier
    content_hash: str
    size: int
    mtime: float
    vocabulary: frozenset[str] = frozenset()   # distinct surface words, for "did you mean"
    records: tuple[dict, ...] = ()             # the Whoosh records, prepared in the worker


@dataclass(frozen=True, slots=True)
class WriterInput:
    """What the writer needs of one parsed file; small, since it crosses processes
    (unpickling a whole ParsedDocument cost the writer ~14x more)."""

    records: tuple[dict, ...]
    content_hash: str
    passages: int
    vocabulary: frozenset[str]


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be indexed, and why (one line)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class BuildReport:
    """Summary of one `index` run."""

    indexed: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: tuple[Failure, ...] = ()
    seconds: float = 0.0
    rebuilt: bool = False
    passages: int = 0


@dataclass(frozen=True, slots=True)
class Cue:
    """A phrase or pattern that signals a tag; `weight` < 0 is a negative cue."""

    pattern: str                       # a phrase (words, lemmatized at load) or "re:<regex>"
    weight: float = 1.0
    lang: str = "any"
    requires: tuple[str, ...] = ()     # context words: the cue fires only if one is nearby
    unless: tuple[str, ...] = ()       # blocking words: the cue does not fire if one is nearby
    window: int = 0                    # "nearby": 0 = same sentence, N = within N words
    scope: str = "any"                 # type cues: "title", "text" or "any" (where it counts)


@dataclass(frozen=True, slots=True)
class TagDef:
    """One taxonomy entry (line of effort, principle or document type)."""

    id: str
    group: str                         # "loe" | "principle" | "type"
    name: str
    definition: str = ""
    names: dict[str, str] = field(default_factory=dict)   # per-language display names
    cues: tuple[Cue, ...] = ()
    threshold: float = 1.0             # passage score needed to assign the tag
    doc_threshold: float = 2.0         # aggregated score needed to tag the document

    def __hash__(self) -> int:
        return hash((self.id, self.group))


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The loaded taxonomy file: tags by group, plus the acronym glossary it defines."""

    loe: tuple[TagDef, ...]
    principle: tuple[TagDef, ...]
    types: tuple[TagDef, ...]
    acronyms: tuple[Acronym, ...] = ()
    equivalents: tuple[tuple[str, ...], ...] = ()   # query-time synonyms across languages
    source: str = ""                   # path it was loaded from
    digest: str = ""                   # content hash, part of the index version
    models: object = field(default=None, compare=False)   # learning.bundle.Models (attach_models)

    def group(self, name: str) -> tuple[TagDef, ...]:
        """Return the tags of facet group `name` ("loe", "principle" or "type")."""
        return {"loe": self.loe, "principle": self.principle, "type": self.types}[name]

    def label(self, group: str, tag_id: str) -> str:
        """Return the display name of a tag, or the id itself if unknown."""
        for t in self.group(group):
            if t.id == tag_id:
                return t.name
        return tag_id


@dataclass(frozen=True, slots=True)
class IndexedDocument:
    """A document as stored in the index's document record (what search/ reads back)."""

    doc_id: str
    path: str
    fmt: str
    meta: DocMeta
    doc_type: str
    tags: tuple[TagHit, ...]
    passages: int
    content_hash: str

    def tag_ids(self, group: str) -> tuple[str, ...]:
        """Return the ids of this document's tags in `group`."""
        return tuple(t.tag for t in self.tags if t.group == group)


# --- JSON codecs for stored fields (plain data in, typed records out) ---------------

def encode_tags(tags: tuple[TagHit, ...], passage_text: str | None = None) -> str:
    """Return `tags` as a JSON string for a stored field.

    With `passage_text`, evidence text that is exactly passage_text[start:end] is left out
    (decode_tags rebuilds it), which keeps stored passages small.
    """
    return json.dumps([_tag_to_list(t, passage_text) for t in tags], ensure_ascii=False)


def decode_tags(raw: str | None, passage_text: str | None = None) -> tuple[TagHit, ...]:
    """Return the tags encoded by `encode_tags` (pass the same passage text)."""
    return tuple(_tag_from_list(x, passage_text) for x in json.loads(raw or "[]"))


def encode_statements(statements: tuple[Statement, ...], passage_text: str | None = None) -> str:
    """Return `statements` as a JSON string; text equal to passage_text[start:end] is left out."""
    return json.dumps([[s.kind, None if passage_text is not None
                        and passage_text[s.start:s.end] == s.text else s.text,
                        s.start, s.end, s.actor, s.amount, s.due] for s in statements],
                      ensure_ascii=False)


def decode_statements(raw: str | None, passage_text: str | None = None) -> tuple[Statement, ...]:
    """Return the statements encoded by `encode_statements` (pass the same passage text)."""
    return tuple(Statement(x[0], x[1] if x[1] is not None else (passage_text or "")[x[2]:x[3]],
                           *x[2:]) for x in json.loads(raw or "[]"))


def encode_document(doc: IndexedDocument) -> str:
    """Return `doc` as a JSON string for the document record's stored blob."""
    meta = doc.meta
    data = {
        "doc_id": doc.doc_id, "path": doc.path, "fmt": doc.fmt, "doc_type": doc.doc_type,
        "passages": doc.passages, "content_hash": doc.content_hash,
        "tags": [_tag_to_list(t) for t in doc.tags],
        "meta": {
            "title": meta.title, "date": meta.date, "lang": meta.lang, "doc_type": meta.doc_type,
            "marking": meta.marking.name, "author": meta.author, "orgs": list(meta.orgs),
            "amounts": [(a.text, a.value, a.currency) for a in meta.amounts],
            "acronyms": [(a.short, a.long) for a in meta.acronyms],
            "date_source": meta.date_source,
        },
    }
    return json.dumps(data, ensure_ascii=False)


def decode_document(raw: str) -> IndexedDocument:
    """Return the document encoded by `encode_document`."""
    data = json.loads(raw)
    m = data["meta"]
    meta = DocMeta(
        title=m["title"], date=m["date"], lang=m["lang"], doc_type=m["doc_type"],
        marking=Marking[m["marking"]], author=m["author"], orgs=tuple(m["orgs"]),
        amounts=tuple(Amount(*a) for a in m["amounts"]),
        acronyms=tuple(Acronym(*a) for a in m["acronyms"]), date_source=m["date_source"])
    return IndexedDocument(
        doc_id=data["doc_id"], path=data["path"], fmt=data["fmt"], meta=meta,
        doc_type=data["doc_type"], tags=tuple(_tag_from_list(t) for t in data["tags"]),
        passages=data["passages"], content_hash=data["content_hash"])


def _tag_to_list(t: TagHit, text: str | None = None) -> list:
    return [t.tag, t.group, round(t.score, 3),
            [[None if text is not None and text[e.start:e.end] == e.text else e.text,
              e.start, e.end, e.cue, e.passage_id] for e in t.evidence]]


def _tag_from_list(x: list, text: str | None = None) -> TagHit:
    evidence = tuple(Evidence(e[0] if e[0] is not None else (text or "")[e[1]:e[2]], *e[1:])
                     for e in x[3])
    return TagHit(tag=x[0], group=x[1], score=x[2], evidence=evidence)
