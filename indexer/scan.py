"""Find the files of a corpus folder and what changed since the last build."""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.records import Failure

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".txt", ".pdf", ".docx"})
SIDECAR_SUFFIX = ".meta.yaml"
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """A file to index, with the stat values that decide whether it changed."""

    path: Path
    rel: str
    doc_id: str
    size: int
    mtime_ns: int
    sidecar_mtime_ns: int | None

    def stamp(self) -> list:
        """Return the values that must match the manifest for the file to count as unchanged."""
        return [self.size, self.mtime_ns, self.sidecar_mtime_ns]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The indexable files of a corpus, and the ones refused before parsing."""

    files: tuple[CorpusFile, ...]
    refused: tuple[Failure, ...]


def doc_id_for(rel: str) -> str:
    """Return the stable, URL-safe document id for a corpus-relative path."""
    slug = re.sub(r"[^\w.-]+", "-", rel.lower().replace("/", "--")).strip("-.")
    return slug or "document"


def _unique_id(rel: str, taken: set[str]) -> str:
    """Return the doc id of `rel`, suffixed with a short hash if another path already has it."""
    doc_id = doc_id_for(rel)
    if doc_id in taken:
        doc_id = f"{doc_id}-{hashlib.sha1(rel.encode()).hexdigest()[:8]}"
    taken.add(doc_id)
    return doc_id


def scan_corpus(corpus_dir: Path, max_bytes: int = MAX_FILE_BYTES) -> ScanResult:
    """Return the files under `corpus_dir` to index, sorted by path.

    Hidden files and sidecars are skipped silently; unsupported types, oversized files and
    symlinks that leave the corpus are refused with a reason.
    """
    root = corpus_dir.resolve()
    files: list[CorpusFile] = []
    refused: list[Failure] = []
    taken: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            reason = _refusal(path, root, max_bytes)
            if reason:
                refused.append(Failure(rel, reason))
                continue
            st = path.stat()
            sidecar = path.with_name(name + SIDECAR_SUFFIX)
            side_mtime = sidecar.stat().st_mtime_ns if sidecar.is_file() else None
            files.append(CorpusFile(path, rel, _unique_id(rel, taken), st.st_size, st.st_mtime_ns,
                                    side_mtime))
    return ScanResult(tuple(files), tuple(refused))


def _refusal(path: Path, root: Path, max_bytes: int) -> str | None:
    """Return why `path` is not indexed, or None if it should be."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return "symlink points outside the corpus folder"
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        return f"unsupported file type {path.suffix or '(none)'!s}"
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "file disappeared during the build"
    if size > max_bytes:
        return f"file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit"
    return None


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What the last build saw of one file: its stamp, content hash and failure if any."""

    rel: str
    stamp: list
    content_hash: str
    failure: str | None = None
    verified: bool = True         # False: recorded while fresh, so the hash is re-checked


def read_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Return the manifest at `path` keyed by doc id; empty if missing or unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {k: ManifestEntry(**v) for k, v in raw.items()}
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        return {}


def write_manifest(path: Path, entries: dict[str, ManifestEntry]) -> None:
    """Write the manifest atomically (temp file + rename)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({k: asdict(v) for k, v in entries.items()}), encoding="utf-8")
    os.replace(tmp, path)
