"""The only Whoosh schema in the repo, its version, and the field names.

One index holds two kinds of records, told apart by KIND:
- a *document* record per file (KIND_DOC): metadata and tags as one stored JSON blob;
- a *passage* record per passage (KIND_PASSAGE): the searchable text, its tags and
  statements, and copies of the document's facet values so queries can filter on them.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from indexer.analysis import term_analyzer

SCHEMA_VERSION = 7
LANGUAGES = ("en", "uk")

KIND_DOC = "d"
KIND_PASSAGE = "p"

# Field names: use these constants, never the literals.
KIND = "kind"
DOC_ID = "doc_id"
PASSAGE_ID = "passage_id"
TEXT_FIELD = "text"            # indexed: normalized terms of the passage (not stored)
TITLE = "title"                # indexed: normalized terms of the document title
SECTION = "section"            # indexed: normalized terms of the section heading
DOC_TEXT = "doc_text"          # indexed on document records: all normalized text, for ranking
DOC_TITLE = "doc_title"        # indexed on document records: the normalized title
BODY = "body"                  # stored: the passage text as written
SECTION_NAME = "section_name"  # stored: the section heading as written
PAGE = "page"
N = "n"
# Document facets: evaluated from the document table (search/doctable.py), not indexed.
MARKING = "marking"
DATE = "date"
YEAR = "year"
TYPE = "type"
LANG = "lang"
ORG = "org"
LOE = "loe"                    # passage-level tags
PRINCIPLE = "principle"
DOC_LOE = "doc_loe"            # document-level tags, copied onto passages
DOC_PRINCIPLE = "doc_principle"
STATEMENT_KIND = "kind_of_statement"
TAGS_JSON = "tags_json"
STATEMENTS_JSON = "statements_json"
DOC_JSON = "doc_json"

SEARCH_FIELDS = (TEXT_FIELD, TITLE, SECTION)
FIELD_BOOSTS = {TEXT_FIELD: 1.0, TITLE: 2.5, SECTION: 1.5}


def build_schema() -> Schema:
    """Return the Whoosh schema for passage and document records."""
    analyzer = term_analyzer()     # text arrives pre-normalized by indexer.analysis.normalized
    return Schema(**{
        KIND: ID(),
        DOC_ID: ID(stored=True, sortable=True),
        PASSAGE_ID: ID(stored=True, unique=True),
        TEXT_FIELD: TEXT(analyzer=analyzer),
        TITLE: TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS[TITLE]),
        SECTION: TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS[SECTION]),
        DOC_TEXT: TEXT(analyzer=analyzer),
        DOC_TITLE: TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS[TITLE]),
        BODY: STORED(),
        SECTION_NAME: STORED(),
        PAGE: STORED(),
        N: STORED(),
        LOE: KEYWORD(commas=True),
        PRINCIPLE: KEYWORD(commas=True),
        STATEMENT_KIND: KEYWORD(commas=True),
        TAGS_JSON: STORED(),
        STATEMENTS_JSON: STORED(),
        DOC_JSON: STORED(),
    })


# --- The index directory: INDEX_DIR/CURRENT names the live generation folder. -----------
# A full rebuild writes a new generation and swaps CURRENT with os.replace (atomic), so
# searches keep using the old one and a crash mid-build leaves it intact.
POINTER_FILE = "CURRENT"
VERSION_FILE = "kb-version.json"
MANIFEST_FILE = "manifest.json"
VOCABULARY_FILE = "vocabulary.txt"     # one surface word per line, for "did you mean"
INTEGRITY_FILE = "integrity.json"      # the Whoosh files (and sizes) of the last commit


@dataclass(frozen=True, slots=True)
class IndexVersion:
    """What an index generation was built with; search refuses a mismatch."""

    schema: int
    languages: tuple[str, ...]
    taxonomy_digest: str


def current_generation(index_dir: Path) -> Path | None:
    """Return the live generation folder of `index_dir`, or None if there is none."""
    try:
        name = (index_dir / POINTER_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = index_dir / name
    return gen if name and "/" not in name and gen.is_dir() else None


def read_version(gen_dir: Path) -> IndexVersion | None:
    """Return the version record of a generation folder, or None if it has none."""
    try:
        data = json.loads((gen_dir / VERSION_FILE).read_text(encoding="utf-8"))
        return IndexVersion(int(data["schema"]), tuple(data["languages"]),
                            str(data["taxonomy_digest"]))
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def write_version(gen_dir: Path, version: IndexVersion) -> None:
    """Write the version record of a generation folder."""
    data = {"schema": version.schema, "languages": list(version.languages),
            "taxonomy_digest": version.taxonomy_digest}
    (gen_dir / VERSION_FILE).write_text(json.dumps(data), encoding="utf-8")


# --- Integrity: Whoosh reports a damaged segment as anything from FileNotFoundError to a
# TypeError or a bare Exception, and a missing column can even read as "no documents"
# silently. So each build records the files of its commit with their sizes, and readers
# check them (a few stat calls) before trusting the generation.
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def latest_commit(gen_dir: Path) -> int | None:
    """Return the number of the newest Whoosh commit (TOC) in a generation, or None."""
    numbers = [int(m.group(1)) for name in _listdir(gen_dir) if (m := _TOC.match(name))]
    return max(numbers) if numbers else None


def write_integrity(gen_dir: Path, commit: int) -> None:
    """Record the Whoosh files of commit `commit` with their sizes (atomically)."""
    files = {name: (gen_dir / name).stat().st_size for name in _listdir(gen_dir)
             if name.startswith(("MAIN_", "_MAIN_")) and not name.endswith("WRITELOCK")}
    tmp = gen_dir / (INTEGRITY_FILE + ".tmp")
    tmp.write_text(json.dumps({"commit": commit, "files": files}), encoding="utf-8")
    os.replace(tmp, gen_dir / INTEGRITY_FILE)


def index_damage(gen_dir: Path) -> str | None:
    """Return what is wrong with a generation's files ("MAIN_x.pst is missing"), or None.

    None also when the record cannot vouch for the files: there is none (older builds), or
    a commit happened after it was written (a build killed in between, or one running now).
    """
    try:
        record = json.loads((gen_dir / INTEGRITY_FILE).read_text(encoding="utf-8"))
        commit, files = int(record["commit"]), dict(record["files"])
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if latest_commit(gen_dir) != commit:
        return None if latest_commit(gen_dir) is not None else "no commit (TOC) file"
    for name, size in files.items():
        try:
            actual = (gen_dir / name).stat().st_size
        except FileNotFoundError:
            actual = None
        if actual != size:
            if latest_commit(gen_dir) != commit:     # a build committed meanwhile
                return None
            return f"{name} is missing" if actual is None else (
                f"{name} has {actual} bytes, {size} expected")
    return None


def _listdir(path: Path) -> list[str]:
    try:
        return os.listdir(path)
    except FileNotFoundError:
        return []
