"""Build the `SourceDocument`: doc id, stated metadata over format hints over inference."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from indexer.errors import ReadError
from indexer.metadata import (
    detect_lang, find_acronyms, find_amounts, find_date, find_orgs, title_from_name,
)
from indexer.furniture import drop_furniture
from indexer.readers.hints import Hints
from indexer.readers.sidecar import Stated, merge_stated, read_sidecar
from indexer.records import Block, DocMeta, Marking, SourceDocument
from indexer.titles import choose_title, title_candidates

_TOP_BLOCKS = 40                           # blocks searched for the document's date


_TRANSLIT = dict(zip(
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёыэъ'’",
    "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia e y e _ _ _"
    .split()))


def make_doc_id(rel_path: str) -> str:
    """Return a stable URL-safe id ([a-z0-9._-]) for a corpus-relative path.

    "minutes/BDC 2019.pdf" -> "minutes--bdc-2019.pdf"; Cyrillic is transliterated.
    """
    return "--".join(_slug(segment) for segment in rel_path.split("/"))


def _slug(segment: str) -> str:
    """Return one path segment lowercased, transliterated and reduced to [a-z0-9._-]."""
    latin = "".join(_TRANSLIT.get(c, c).replace("_", "") for c in segment.lower())
    ascii_only = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    slug = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9._-]+", "-", ascii_only)).strip("-")
    return slug or "-"


def _relative_path(path: Path, corpus_dir: Path) -> str:
    """Return `path` relative to `corpus_dir` with "/" separators."""
    try:
        rel = path.relative_to(corpus_dir)
    except ValueError:
        rel = path.resolve().relative_to(corpus_dir.resolve())
    return rel.as_posix()


def _choose_date(stated: str | None, top_text: str, file_date: str | None) -> tuple[str | None, str]:
    """Return (date, date_source): stated beats the text, the text beats file metadata."""
    if stated:
        return stated, "front-matter"
    found = find_date(top_text)
    if found:
        return found, "text"
    if file_date:
        return file_date, "file-metadata"
    return None, ""


def _choose_title(blocks: Sequence[Block], stated: Stated, hints: Hints,
                  name: str) -> tuple[str, str]:
    """Return (title, title_source): stated wins, else the best-ranked candidate (see titles)."""
    if stated.title:
        return stated.title, "front-matter"
    return choose_title(title_candidates(blocks, hints.title, name)) or \
        (title_from_name(name), "file-name")


def _doc_meta(blocks: Sequence[Block], stated: Stated, hints: Hints, name: str) -> DocMeta:
    """Return the document's metadata: stated values first, then format hints, then inference."""
    full = "\n".join(b.text for b in blocks)
    top = "\n".join(b.text for b in blocks[:_TOP_BLOCKS])
    date, date_source = _choose_date(stated.date, top, hints.date)
    title, title_source = _choose_title(blocks, stated, hints, name)
    return DocMeta(
        title=title, title_source=title_source, hint_title=hints.title, hint_date=hints.date,
        source_name=name,
        date=date,
        lang=stated.lang or detect_lang(full),
        doc_type=stated.doc_type,
        marking=stated.marking if stated.marking is not None else Marking.INTERNAL,
        author=stated.author or hints.author,
        orgs=stated.orgs if stated.orgs is not None else find_orgs(full),
        amounts=find_amounts(full),
        acronyms=find_acronyms(full),
        date_source=date_source,
    )


def build_document(path: Path, corpus_dir: Path, fmt: str, blocks: tuple[Block, ...],
              front: Stated = Stated(), hints: Hints = Hints()) -> SourceDocument:
    """Return the SourceDocument for blocks read from `path`; raise ReadError if there is no text."""
    if not blocks:
        raise ReadError("no text found in the document")
    stated = merge_stated(front, read_sidecar(path))
    rel = _relative_path(path, corpus_dir)
    blocks = drop_furniture(blocks)
    meta = _doc_meta(blocks, stated, hints, stated.original_name or path.name)
    return SourceDocument(doc_id=make_doc_id(rel), path=rel, fmt=fmt, meta=meta, blocks=blocks)
