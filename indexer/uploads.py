"""Store uploaded files in the corpus under generated names, and write sidecar metadata.

The format is decided from the bytes (indexer.readers.sniff_format does the checking);
the name a user gave is only a hint between Markdown and plain text, and is kept,
cleaned, as the `original_name` sidecar key. Nothing a user sends becomes part of a path.
"""
from __future__ import annotations

import codecs
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from indexer.errors import ReadError
from indexer.readers import sniff_format
from indexer.records import Marking
from indexer.scan import SIDECAR_SUFFIX, doc_id_for

UPLOAD_FOLDER = "uploads"
ORIGINAL_NAME_MAX = 200
_HTML = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]",
                   re.I | re.S)
_MD_SUFFIXES = (".md", ".markdown")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """An upload written to the corpus: its generated id, path and document id."""

    upload_id: str
    rel: str                           # relative to the corpus folder, "/" separators
    doc_id: str
    fmt: str
    original_name: str


def clean_original_name(name: str) -> str:
    """Return `name` safe to keep and show: last path segment, no control or bidi
    formatting characters (e.g. U+202E), whitespace collapsed, at most ORIGINAL_NAME_MAX."""
    last = re.split(r"[\\/]", name)[-1]
    kept = "".join(c for c in last if unicodedata.category(c)[0] != "C")
    kept = " ".join(kept.split()).strip(". ")
    if len(kept) > ORIGINAL_NAME_MAX:
        stem, dot, ext = kept.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        kept = kept[:ORIGINAL_NAME_MAX - len(ext) - 2] + "…" + ("." + ext if ext else "")
    return kept or "unnamed"


def upload_format(original_name: str, head: bytes) -> str:
    """Return the format of an upload from its first bytes; raise ReadError if unsupported.

    PDF and DOCX are recognized by their magic bytes; other content must be text (no NUL
    bytes outside UTF-16) and is HTML when it starts like a page, Markdown when the
    name says so, plain text otherwise.
    """
    if b"%PDF-" in head[:1024]:
        fmt = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        fmt = "docx"
    elif b"\x00" in head and not head.startswith(_UTF16_BOMS):
        sniff_format("upload.txt", head)        # names images and legacy Office files
        raise ReadError("content is binary but not PDF or DOCX")
    elif _HTML.match(head.lstrip(codecs.BOM_UTF8).replace(b"\x00", b"")[:1024]):
        fmt = "html"
    elif Path(original_name.lower()).suffix in _MD_SUFFIXES:
        fmt = "md"
    else:
        fmt = "txt"
    return sniff_format(f"upload.{fmt}", head)     # rejects empty, image and legacy Office files


def store_upload(corpus_dir: Path, data: bytes, original_name: str, marking: Marking,
                 extra: Mapping[str, Any] | None = None) -> StoredUpload:
    """Write `data` to corpus/uploads/<uuid>.<fmt> with its sidecar; return where it went.

    Raises ReadError (nothing written) when the content is not a supported document.
    """
    fmt = upload_format(original_name, data[:8192])
    upload_id = uuid.uuid4().hex
    folder = corpus_dir / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{upload_id}.{fmt}"
    name = clean_original_name(original_name)
    write_sidecar(path, {**(extra or {}), "marking": marking.name, "original_name": name})
    part = folder / f".{upload_id}.part"       # hidden: a build running now skips it
    with open(part, "xb") as fh:
        fh.write(data)
    os.replace(part, path)                     # the sidecar exists before the file appears
    rel = path.relative_to(corpus_dir).as_posix()
    return StoredUpload(upload_id, rel, doc_id_for(rel), fmt, name)


def sidecar_path(path: Path) -> Path:
    """Return the sidecar file of the document at `path`."""
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar_values(path: Path) -> dict[str, Any]:
    """Return the raw key/values of `path`'s sidecar (empty when missing or not a mapping)."""
    try:
        data = yaml.safe_load(sidecar_path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


def write_sidecar(path: Path, values: Mapping[str, Any]) -> None:
    """Merge `values` into `path`'s sidecar (None deletes a key) and write it atomically."""
    data = read_sidecar_values(path)
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    target = sidecar_path(path)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target)
