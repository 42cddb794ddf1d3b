"""Read a labels folder: `gold.json`, `docs/` (raw text with a header) and `corpus/` files.

A labels folder has the layout of ../shared/eval-train: `gold.json` maps a raw document's
file name ("201-some-slug.txt") to its gold labels; `docs/<name>` holds the raw text after a
`---` header (url, title, source, date, lang, kind); `corpus/<NNN>.<ext>` is the same
document as a user would drop it in (md, html, txt, docx, pdf), matched by the number the
names start with. Anything malformed raises `LabelsError` naming the file and what is wrong.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.records import STATEMENT_KINDS, Taxonomy

GOLD_FILE = "gold.json"


class LabelsError(Exception):
    """A labels folder that cannot be used for training; the message names file and problem."""


@dataclass(frozen=True, slots=True)
class GoldStatement:
    """A commitment or decision both annotators listed."""

    text: str
    kind: str
    actor: str | None = None
    amount: str | None = None
    due: str | None = None
    disputed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LabeledDoc:
    """One labeled document: where its file is, what its header says, and its gold labels."""

    key: str                          # the number both file names start with: "201"
    name: str                         # the raw document's file name in docs/
    corpus_path: Path                 # the file a user would index
    header: dict[str, str]            # url, title, source, date, lang, kind, ...
    raw_text: str                     # docs/<name> after its header
    loe: tuple[str, ...]
    principle: tuple[str, ...]
    ignore: tuple[str, ...] = ()      # tags the annotators disagreed on: not scored, not trained
    evidence: dict[str, str] = field(default_factory=dict)
    doc_type: str | None = None
    title: str | None = None
    date: str | None = None           # the header's date ("unknown" becomes None)
    statements: tuple[GoldStatement, ...] | None = None   # None: not annotated

    @property
    def publisher(self) -> str:
        """The group this document belongs to in cross-validation (see `folds.publisher_of`)."""
        from indexer.learning.folds import publisher_of
        return publisher_of(self.header.get("source", ""))

    @property
    def lang(self) -> str:
        return self.header.get("lang", "en")


def doc_key(name: str) -> str:
    """Return the number a file name starts with ("003-slug.txt" and "003.pdf" give "003")."""
    return Path(name).name.split("-", 1)[0].split(".", 1)[0]


def read_header(text: str) -> tuple[dict[str, str], str]:
    """Return (header fields, body) of a raw document that starts with a `---` header."""
    if not text.startswith("---\n"):
        return {}, text
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        return {}, text
    out = {}
    for line in head.splitlines():
        k, _, v = line.partition(":")
        if k.strip():
            out[k.strip()] = v.strip()
    return out, body


def _tags(where: str, value: Any, known: set[str], what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LabelsError(f"{where}: '{what}' must be a list of tag ids")
    unknown = sorted(set(value) - known)
    if unknown:
        raise LabelsError(f"{where}: unknown {what} id(s) {', '.join(unknown)} "
                          f"(the taxonomy has {', '.join(sorted(known))})")
    return tuple(value)


def _statements(where: str, value: Any) -> tuple[GoldStatement, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise LabelsError(f"{where}: 'statements' must be a list")
    out = []
    for i, s in enumerate(value):
        if not isinstance(s, dict) or not isinstance(s.get("text"), str):
            raise LabelsError(f"{where}: statement {i + 1} needs a 'text'")
        if s.get("kind") not in STATEMENT_KINDS:
            raise LabelsError(f"{where}: statement {i + 1} has kind {s.get('kind')!r}; "
                              f"one of {', '.join(STATEMENT_KINDS)} expected")
        out.append(GoldStatement(s["text"], s["kind"], s.get("actor"), s.get("amount"),
                                 s.get("due"), tuple(s.get("disputed") or ())))
    return tuple(out)


def _one(where: str, name: str, g: Any, taxonomy: Taxonomy, corpus: dict[str, Path],
         docs_dir: Path) -> LabeledDoc:
    if not isinstance(g, dict):
        raise LabelsError(f"{where}: the entry for {name} is not an object")
    key = doc_key(name)
    if key not in corpus:
        raise LabelsError(f"{where}: {name} has no file in corpus/ starting with {key}")
    raw = docs_dir / name
    header, body = read_header(raw.read_text(encoding="utf-8")) if raw.is_file() else ({}, "")
    types = {t.id for t in taxonomy.types}
    doc_type = g.get("type")
    if doc_type is not None and doc_type not in types:
        raise LabelsError(f"{where}: {name} has unknown type {doc_type!r} "
                          f"(the taxonomy has {', '.join(sorted(types))})")
    every = {t.id for t in (*taxonomy.loe, *taxonomy.principle)}
    ignore = g.get("ignore") or []
    date = header.get("date") or g.get("date")
    return LabeledDoc(
        key=key, name=name, corpus_path=corpus[key], header=header, raw_text=body,
        loe=_tags(f"{where}: {name}", g.get("loe"), {t.id for t in taxonomy.loe}, "loe"),
        principle=_tags(f"{where}: {name}", g.get("principle"),
                        {t.id for t in taxonomy.principle}, "principle"),
        ignore=_tags(f"{where}: {name}", ignore, every, "ignore"),
        evidence=dict(g.get("evidence") or {}), doc_type=doc_type, title=g.get("title"),
        date=None if date in (None, "", "unknown") else str(date),
        statements=_statements(f"{where}: {name}", g.get("statements")))


def load_labels(folder: Path, taxonomy: Taxonomy) -> tuple[LabeledDoc, ...]:
    """Return the labeled documents of `folder`, in file-name order; raise LabelsError."""
    gold_path = folder / GOLD_FILE
    if not gold_path.is_file():
        raise LabelsError(f"{gold_path}: missing (a labels folder holds gold.json, docs/, corpus/)")
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LabelsError(f"{gold_path}: not valid JSON ({exc})") from None
    if not isinstance(gold, dict):
        raise LabelsError(f"{gold_path}: must map document file names to labels")
    corpus_dir = folder / "corpus"
    if not corpus_dir.is_dir():
        raise LabelsError(f"{corpus_dir}: missing")
    corpus = {doc_key(p.name): p for p in sorted(corpus_dir.iterdir()) if p.is_file()
              and not p.name.endswith(".meta.yaml")}
    return tuple(_one(str(gold_path), name, gold[name], taxonomy, corpus, folder / "docs")
                 for name in sorted(gold))
