"""The segment writer that flushes with field lengths from memory writes the same files."""
from __future__ import annotations

import hashlib
from pathlib import Path

from whoosh.writing import SegmentWriter

import indexer.build as build
from indexer import schema as f
from indexer.build import build_index


def _files(index: Path) -> list[tuple[str, str]]:
    gen = f.current_generation(index)
    return sorted((p.name.split(".", 1)[1], hashlib.sha256(p.read_bytes()).hexdigest())
                  for p in gen.glob("MAIN_*.*"))


def test_flush_from_memory_writes_byte_identical_segments(tmp_path, corpus_copy, taxonomy,
                                                           monkeypatch):
    build_index(corpus_copy, tmp_path / "ours", taxonomy, workers=1)
    monkeypatch.setattr(build, "SegmentFlushWriter", SegmentWriter)
    build_index(corpus_copy, tmp_path / "stock", taxonomy, workers=1)
    ours, stock = _files(tmp_path / "ours"), _files(tmp_path / "stock")
    assert any(ext == "pst" for ext, _ in ours)
    assert ours == stock
