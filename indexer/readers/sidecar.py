"""Stated metadata: YAML front matter and sidecar `NAME.EXT.meta.yaml` files."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from indexer.errors import ReadError
from indexer.readers.common import decode_text, normalize, parser_call
from indexer.records import DOC_TYPES, Marking

@dataclass(frozen=True, slots=True)
class Stated:
    """Metadata stated by a person (front matter or sidecar); None means "not stated"."""

    title: str | None = None
    date: str | None = None
    doc_type: str | None = None
    marking: Marking | None = None
    lang: str | None = None
    author: str | None = None
    orgs: tuple[str, ...] | None = None
    original_name: str | None = None      # an upload's file name as sent (sidecar only)


_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LANGS = ("en", "uk")


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return (YAML text of the front matter or None, the Markdown body)."""
    if not re.match(r"---[ \t]*\r?\n", text):
        return None, text
    m = _FRONT_MATTER.match(text)
    if not m:
        raise ReadError("front matter: no closing '---' line")
    return m.group(1), text[m.end():]


def iso_date(value: object) -> str | None:
    """Return an ISO "YYYY[-MM[-DD]]" string for a YAML date value, or None if invalid."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    m = ISO_DATE.fullmatch(str(value).strip())
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year or 0, month or 1, day or 1)
    except ValueError:
        return None
    return m.group(0)


def _stated_value(key: str, value: object, label: str) -> object:
    """Return the validated value of one front-matter key; raise ReadError naming the problem."""
    if key == "marking":
        try:
            return Marking.parse(value)
        except ValueError as exc:
            raise ReadError(f"{label}: {exc}") from None
    if key == "type":
        if str(value).strip().lower() not in DOC_TYPES:
            raise ReadError(f"{label}: unknown type {value!r} (expected one of {', '.join(DOC_TYPES)})")
        return str(value).strip().lower()
    if key == "lang":
        if str(value).strip().lower() not in _LANGS:
            raise ReadError(f"{label}: unknown lang {value!r} (expected en or uk)")
        return str(value).strip().lower()
    if key == "date":
        iso = iso_date(value)
        if iso is None:
            raise ReadError(f"{label}: date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return iso
    if key == "orgs":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ReadError(f"{label}: orgs must be a list of names")
        return tuple(i.strip() for i in items if i.strip())
    return normalize(str(value)) or None       # title, author


_STATED_KEYS = {"title": "title", "date": "date", "type": "doc_type", "marking": "marking",
                "lang": "lang", "author": "author", "orgs": "orgs",
                "original_name": "original_name"}


def parse_stated(yaml_text: str, label: str) -> Stated:
    """Return the metadata stated in a YAML mapping; unknown keys are ignored."""
    with parser_call("PyYAML", label):
        try:
            data = yaml.safe_load(yaml_text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or "syntax error"
            raise ReadError(f"{label}: invalid YAML{where}: {problem}") from None
        except ValueError as exc:                   # e.g. a timestamp like 2024-13-01
            raise ReadError(f"{label}: invalid value: {exc}") from None
    if data is None:
        return Stated()
    if not isinstance(data, dict):
        raise ReadError(f"{label}: expected 'key: value' lines")
    values = {attr: _stated_value(key, data[key], label)
              for key, attr in _STATED_KEYS.items() if data.get(key) not in (None, "")}
    return Stated(**values)


def read_sidecar(path: Path) -> Stated:
    """Return the metadata in `path`'s sidecar NAME.EXT.meta.yaml, empty if there is none."""
    sidecar = path.with_name(path.name + ".meta.yaml")
    if not sidecar.is_file():
        return Stated()
    try:
        text = decode_text(sidecar.read_bytes())
    except ReadError as exc:
        raise ReadError(f"{sidecar.name}: {exc}") from None
    return parse_stated(text, sidecar.name)


def merge_stated(front: Stated, sidecar: Stated) -> Stated:
    """Return front matter overridden by the sidecar; the more restrictive marking wins."""
    merged = replace(front, **{f.name: getattr(sidecar, f.name) for f in fields(sidecar)
                               if getattr(sidecar, f.name) is not None})
    if front.marking is not None and sidecar.marking is not None:
        merged = replace(merged, marking=max(front.marking, sidecar.marking))
    return merged
