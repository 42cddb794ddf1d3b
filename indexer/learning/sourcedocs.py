"""The SourceDocument of a labeled document, read once per process as the indexer reads it."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from indexer.learning.labels import LabeledDoc
from indexer.readers import read_document
from indexer.records import SourceDocument


@lru_cache(maxsize=512)
def _read(path: Path) -> SourceDocument:
    return read_document(path, path.parent)


def source_of(doc: LabeledDoc) -> SourceDocument:
    """Return `doc`'s corpus file read by the indexer's readers (cached per process)."""
    return _read(doc.corpus_path)
