"""Whoosh calls for search: match sets, ranked passages, best passages per document."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from indexer import schema as f
from search.doctable import DocTable
from search.errors import QueryError

MAX_PREFIX_TERMS = 300
SNIPPETS_PER_HIT = 3


@dataclass(frozen=True)
class PassageHit:
    """A ranked passage: its Whoosh docnum, document ordinal and score."""

    docnum: int
    ordinal: int
    score: float


def passages_only(q: wq.Query) -> wq.Query:
    """Return `q` restricted to passage records."""
    return wq.And([wq.Term(f.KIND, f.KIND_PASSAGE), q])


def check_cost(searcher: Searcher, q: wq.Query) -> None:
    """Raise QueryError when a wildcard would expand to too many terms."""
    reader = searcher.reader()
    for sub in q.leaves():
        if isinstance(sub, wq.Prefix):
            count = sum(1 for _ in zip(range(MAX_PREFIX_TERMS + 1),
                                       reader.expand_prefix(sub.fieldname, sub.text)))
            if count > MAX_PREFIX_TERMS:
                raise QueryError(f"{sub.text}* matches too many words; type more letters")


def matching_passages(searcher: Searcher, q: wq.Query) -> np.ndarray:
    """Return the docnums of every passage matching `q` (unscored)."""
    return np.fromiter(searcher.docs_for_query(passages_only(q)), dtype=np.int64)


def documents_of(table: DocTable, docnums: np.ndarray) -> np.ndarray:
    """Return a bool mask of the documents owning any of the passage `docnums`."""
    mask = np.zeros(len(table.docs), dtype=bool)
    ords = table.passage_doc[docnums] if len(docnums) else np.array([], dtype=np.int32)
    mask[ords[ords >= 0]] = True
    return mask


def ranked_documents(searcher: Searcher, table: DocTable, q: wq.Query, docnums: np.ndarray,
                     allowed: np.ndarray, need: int,
                     weights: np.ndarray | None = None) -> list[tuple[int, float, list[PassageHit]]]:
    """Return up to `need` allowed documents, best first, with their top passages.

    Passages are ranked by BM25F (title and section boosted); a document scores the sum of
    its top passages (decaying 1, 1/2, 1/4) times its weight (the share of query words it
    holds). The window of ranked passages grows until `need` documents are found.
    """
    keep = docnums[allowed[table.passage_doc[docnums]]] if len(docnums) else docnums
    allow_set = set(keep.tolist())
    if not allow_set:          # Whoosh reads an empty filter as "no filter": never pass one
        return []
    limit = max(300, need * 10)
    while True:
        results = searcher.search(passages_only(q), limit=limit, filter=allow_set)
        grouped = _group(table, [(h.docnum, h.score) for h in results])
        done = len(results) >= len(allow_set) or limit >= len(allow_set)
        if len(grouped) >= need or done:
            scored = [(o, _doc_score(hits) * (weights[o] if weights is not None else 1.0), hits)
                      for o, _, hits in grouped if allowed[o]]
            return sorted(scored, key=lambda x: -x[1])[:need]
        limit *= 4


def _doc_score(hits: list[PassageHit]) -> float:
    return sum(h.score / (2 ** i) for i, h in enumerate(hits))


def best_passages(searcher: Searcher, table: DocTable, q: wq.Query, docnums: np.ndarray,
                  ordinals: list[int]) -> dict[int, list[PassageHit]]:
    """Return the top passages of each document in `ordinals` (for date-sorted pages)."""
    wanted = np.zeros(len(table.docs), dtype=bool)
    wanted[ordinals] = True
    keep = set(docnums[wanted[table.passage_doc[docnums]]].tolist()) if len(docnums) else set()
    if not keep:               # Whoosh reads an empty filter as "no filter": never pass one
        return {}
    results = searcher.search(passages_only(q), limit=None, filter=keep)
    return {o: hits for o, _, hits in _group(table, [(h.docnum, h.score) for h in results])}


def _group(table: DocTable, scored: list[tuple[int, float]]) -> list[tuple[int, float, list[PassageHit]]]:
    """Group ranked passages by document, keeping document order by best passage."""
    order: dict[int, list[PassageHit]] = {}
    for docnum, score in scored:
        o = int(table.passage_doc[docnum])
        hits = order.setdefault(o, [])
        if len(hits) < SNIPPETS_PER_HIT:
            hits.append(PassageHit(docnum, o, score))
    return [(o, hits[0].score, hits) for o, hits in order.items()]


def first_passage(searcher: Searcher, doc_id: str) -> int | None:
    """Return the docnum of a document's first passage, or None."""
    return searcher.document_number(**{f.PASSAGE_ID: f"{doc_id}#1"})
