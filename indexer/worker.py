"""Parse one file into a ParsedDocument; runs inside a worker process with limits."""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import resource
from collections.abc import Callable
from functools import partial
from pathlib import Path

from indexer.analysis import distinct_words
from indexer.doc_context import document_context
from indexer.errors import ReadError
from indexer.learning.bundle import models_of
from indexer.passages import split_passages
from indexer.readers import read_document
from indexer.records import (Failure, ParsedDocument, Passage, SourceDocument, Statement,
                             Taxonomy, WriterInput)
from indexer.scan import CorpusFile
from indexer.statements import extract_statements
from indexer.tagging import classify_type, tag_document, tag_passage
from indexer.taxonomy import CompiledTaxonomy, compile_taxonomy
from indexer.writer import document_records

log = logging.getLogger(__name__)

# Set once per worker process by `init_worker` (the pool's initializer); never in the parent.
_worker_taxonomy: list[Taxonomy] = []


def init_worker(taxonomy: Taxonomy, memory_limit: int | None) -> None:
    """Prepare a worker process: cap its address space and keep the taxonomy."""
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    _worker_taxonomy[:] = [taxonomy]


def parse_in_worker(file: CorpusFile, corpus_dir: Path) -> WriterInput | Failure:
    """Return what the writer needs of the parsed file, or a Failure with a one-line reason
    (worker entry point)."""
    parsed = parse_file(file, corpus_dir, _worker_taxonomy[0])
    if isinstance(parsed, Failure):
        return parsed
    return WriterInput(parsed.records, parsed.content_hash, len(parsed.passages),
                       parsed.vocabulary)


def parse_file(file: CorpusFile, corpus_dir: Path, taxonomy: Taxonomy) -> ParsedDocument | Failure:
    """Return `file` read, split, tagged and classified, or a Failure saying why not.

    A file whose size or modification time differs from the scan's, before or after it is
    read, is a Failure: its stamp must not be recorded with content from another version.
    """
    try:
        if _changed(file):
            return Failure(file.rel, CHANGED_WHILE_READ)
        data = file.path.read_bytes()
        doc = dataclasses.replace(read_document(file.path, corpus_dir),
                                  doc_id=file.doc_id, path=file.rel)
    except ReadError as exc:
        return Failure(file.rel, str(exc))
    except FileNotFoundError:
        return Failure(file.rel, "file disappeared during the build")
    except MemoryError:
        return Failure(file.rel, "parsing needs more memory than the limit allows")
    except RecursionError:
        return Failure(file.rel, "structure nested too deeply to parse")
    except Exception as exc:  # noqa: BLE001 - third-party parsers on hostile input raise anything
        log.warning("parser error in %s", file.rel, exc_info=True)
        return Failure(file.rel, f"parser error: {type(exc).__name__}: {str(exc)[:160]}")
    if _changed(file):
        return Failure(file.rel, CHANGED_WHILE_READ)
    if not any(b.text.strip() for b in doc.blocks):
        return Failure(file.rel, "no text found in the file")
    parsed = analyze_document(doc, taxonomy, hashlib.sha256(data).hexdigest(), file)
    return dataclasses.replace(parsed, records=tuple(document_records(parsed)))


CHANGED_WHILE_READ = "file changed while being read; it is read again on the next run"


def _changed(file: CorpusFile) -> bool:
    """Return True if the file's size or modification time is no longer the scanned one."""
    try:
        st = file.path.stat()
    except OSError:
        return True
    return (st.st_size, st.st_mtime_ns) != (file.size, file.mtime_ns)


def analyze_document(doc: SourceDocument, taxonomy: Taxonomy, content_hash: str,
                     file: CorpusFile) -> ParsedDocument:
    """Return `doc` split into tagged passages with statements, plus document tags and type."""
    compiled = compile_taxonomy(taxonomy)      # once, not on every passage's tagging call
    context = document_context(doc)
    extract = partial(extract_statements, lang=doc.meta.lang, context=context,
                      model=models_of(taxonomy).get("statements"))
    passages = [_analyze_passage(p, compiled, doc.meta.lang, extract) for p in split_passages(doc)]
    doc_tags = tag_document([p.tags for p in passages], compiled,
                            [p.passage_id for p in passages])
    doc_type = doc.meta.doc_type or classify_type(doc.meta.title, doc.text, compiled,
                                                  doc.meta.lang)
    return ParsedDocument(doc=doc, passages=tuple(passages), tags=doc_tags, doc_type=doc_type,
                          content_hash=content_hash, size=file.size,
                          mtime=file.mtime_ns / 1e9, vocabulary=frozenset(
                              w for w in distinct_words(p.text for p in passages)
                              if len(w) >= 4 and w.isalpha()))


def _analyze_passage(p: Passage, taxonomy: CompiledTaxonomy, lang: str,
                     extract: Callable[..., tuple[Statement, ...]] | None = None) -> Passage:
    """Return the passage with its tags and statements (`extract`, in its document's context)."""
    statements = extract(p.text, passage_no=p.n) if extract else extract_statements(p.text, lang)
    return dataclasses.replace(p, tags=tag_passage(p.text, taxonomy, lang), statements=statements)
