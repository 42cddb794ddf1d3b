"""Turn a ParsedDocument into Whoosh records (one document record + its passages)."""
from __future__ import annotations

from typing import Any, Iterator

from indexer import schema as f
from indexer.analysis import index_terms
from indexer.records import (IndexedDocument, ParsedDocument, encode_document,
                             encode_statements, encode_tags)


def document_records(parsed: ParsedDocument) -> Iterator[dict[str, Any]]:
    """Yield the Whoosh field dicts for `parsed`: its document record, then its passages.

    Runs in the worker processes: text is normalized, split into term lists and JSON
    encoded there, so the single writer process only writes. Empty values are left out.
    """
    doc, meta = parsed.doc, parsed.doc.meta
    shared = {f.DOC_ID: doc.doc_id}
    indexed = IndexedDocument(doc_id=doc.doc_id, path=doc.path, fmt=doc.fmt, meta=meta,
                              doc_type=parsed.doc_type, tags=parsed.tags,
                              passages=len(parsed.passages), content_hash=parsed.content_hash)
    title = index_terms(meta.title)
    norms = [(index_terms(p.section), index_terms(p.text)) for p in parsed.passages]
    text = [term for pair in norms for part in pair for term in part]
    yield _drop_empty({**shared, f.KIND: f.KIND_DOC, f.PASSAGE_ID: doc.doc_id,
                       f.DOC_JSON: encode_document(indexed), f.DOC_TITLE: title,
                       f.DOC_TEXT: text})
    for p, (section, body) in zip(parsed.passages, norms):
        yield _drop_empty({
            **shared,
            f.KIND: f.KIND_PASSAGE,
            f.PASSAGE_ID: p.passage_id,
            f.TEXT_FIELD: body,
            f.TITLE: title,
            f.SECTION: section,
            f.BODY: p.text,
            f.SECTION_NAME: p.section,
            f.PAGE: p.page,
            f.N: p.n,
            f.LOE: ",".join(p.tag_ids("loe")),
            f.PRINCIPLE: ",".join(p.tag_ids("principle")),
            f.STATEMENT_KIND: ",".join(sorted({s.kind for s in p.statements})),
            f.TAGS_JSON: encode_tags(p.tags, p.text),
            f.STATEMENTS_JSON: encode_statements(p.statements, p.text),
        })


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in ("", None, [])}
