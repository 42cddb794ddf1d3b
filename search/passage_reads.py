"""Passage reads for the reading aids: passages by tag, statement kind or position.

Every read takes a `visible` mask (from the viewer's clearance) and drops passages of
invisible documents before their stored fields are read.
"""
from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from search.doctable import DocTable
from search.documents import PassageView, passage_view

_TAG_FIELDS = {"loe": f.LOE, "principle": f.PRINCIPLE}


def tagged_passages(searcher: Searcher, table: DocTable, visible: np.ndarray, group: str,
                    tag_id: str, *, doc_id: str | None = None,
                    statement_kind: str | None = None) -> tuple[PassageView, ...]:
    """Return the visible passages tagged `tag_id`, by document id then position.

    Optionally only those of one document, or only those holding a statement of one kind.
    """
    parts = [wq.Term(f.KIND, f.KIND_PASSAGE), wq.Term(_TAG_FIELDS[group], tag_id)]
    if doc_id is not None:
        parts.append(wq.Term(f.DOC_ID, doc_id))
    if statement_kind is not None:
        parts.append(wq.Term(f.STATEMENT_KIND, statement_kind))
    docnums = [n for n in searcher.docs_for_query(wq.And(parts))
               if table.passage_doc[n] >= 0 and visible[table.passage_doc[n]]]
    views = [passage_view(searcher.stored_fields(n)) for n in docnums]
    return tuple(sorted(views, key=lambda p: (p.doc_id, p.n)))


def leading_passages(searcher: Searcher, doc_id: str, count: int) -> tuple[PassageView, ...]:
    """Return the first `count` passages of a document (cheaper than reading all of them)."""
    out = []
    for n in range(1, count + 1):
        stored = searcher.document(**{f.PASSAGE_ID: f"{doc_id}#{n}"})
        if stored is None:
            break
        out.append(passage_view(stored))
    return tuple(out)
