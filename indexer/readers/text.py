"""Plain-text reader."""
from __future__ import annotations

from pathlib import Path

from indexer.readers.common import MAX_TEXT_BYTES, BlockBuilder, decode_text, read_bytes
from indexer.readers.document import build_document
from indexer.readers.reflow import add_paras, reflow
from indexer.records import SourceDocument

def read_text(path: Path, corpus_dir: Path) -> SourceDocument:
    """Return a plain-text file as a document, hard-wrapped lines reflowed into paragraphs."""
    text = decode_text(read_bytes(path, MAX_TEXT_BYTES))
    builder = BlockBuilder()
    add_paras(builder, reflow(text))
    return build_document(path, corpus_dir, "txt", builder.blocks())
