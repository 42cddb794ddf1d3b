"""Parse one file into a ParsedDocument; runs inside a worker process with limits."""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import resource
from functools import partial
from pathlib import Path

from indexer.analysis import distinct_words
from indexer.doc_context import document_context
from indexer.errors import ReadError
from indexer.learning.bundle import models_of
from indexer.learning.dates import choose_meta
from indexer.passages import split_passages
from indexer.readers import read_document
from indexer.records import Failure, ParsedDocument, SourceDocument, Taxonomy, WriterInput
from indexer.scan import CorpusFile
from indexer.statements import extract_statements
from indexer.tagging import classify_type, cue_passage, passage_hits, tag_document
from indexer.taxonomy import compile_taxonomy
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
    Errors other than the expected ones (ReadError and the limits) propagate.
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
    # Nothing broader: the readers turn what third-party parsers raise on hostile input into
    # ReadError (indexer/readers/common.py `parser_call`); any other error is a bug of ours
    # and must stop the build (CURRENT untouched) rather than fail every file.
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
    models = models_of(taxonomy)
    dates = models.get("dates")
    if dates is not None:                      # stated (front-matter) dates are kept
        doc = dataclasses.replace(doc, meta=choose_meta(dates, doc.meta, doc.blocks))
    extract = partial(extract_statements, lang=doc.meta.lang, context=document_context(doc),
                      model=models.get("statements"))
    passages = split_passages(doc)
    cues = [cue_passage(p.text, compiled, doc.meta.lang) for p in passages]
    ids = [p.passage_id for p in passages]
    model = models.get("tags")
    if model is not None:                      # the learned tagger (indexer/learning/tags.py)
        learned = model.tag(doc.meta.title or "", cues, ids, compiled)
        doc_tags, passage_tags = learned.tags, learned.passage_tags
    else:                                      # no model attached: the cue rules alone
        passage_tags = tuple(passage_hits(c, compiled) for c in cues)
        doc_tags = tag_document(passage_tags, compiled, ids)
    passages = [dataclasses.replace(p, tags=tags, statements=extract(p.text, passage_no=p.n))
                for p, tags in zip(passages, passage_tags)]
    doctype = models.get("doctype")
    doc_type = doc.meta.doc_type or (
        doctype.predict(doc.meta.title, doc.text, doc.meta.lang, compiled) if doctype is not None
        else classify_type(doc.meta.title, doc.text, compiled, doc.meta.lang))
    return ParsedDocument(doc=doc, passages=tuple(passages), tags=doc_tags, doc_type=doc_type,
                          content_hash=content_hash, size=file.size,
                          mtime=file.mtime_ns / 1e9, vocabulary=frozenset(
                              w for w in distinct_words(p.text for p in passages)
                              if len(w) >= 4 and w.isalpha()))
