"""Serve the app under waitress with proposed fixes monkeypatched in (bench only: what-if runs).

    python bench/whatif_server.py --host 127.0.0.1 --port P --threads N [--fix similar] [--fix table]

Used by `load_test.py --whatif similar,table` to measure what a fix would buy before anyone
changes project code. The patches are sketches of the fixes proposed in bench/README.md:
- `similar`: `similar_documents` ranks by numpy BM25 over the document records
  (`DocScorer.evaluate(Or(key terms))`) instead of a Whoosh search that scores every matching
  passage (~1-3 s CPU per document page at 10k docs -> 25-130 ms). Rankings differ somewhat.
- `table`: `Engine._table` loads the document table once per index generation (single
  flight); concurrent requests wait for that load instead of each loading its own copy.
- `passages`: `load_passages` by DOC_ID alone (see patch_passages).
Configuration comes from KB_* environment variables like `flask serve`.
"""
from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def patch_similar() -> None:
    import numpy as np
    from whoosh import query as wq

    import search.documents as documents
    import search.kb as kb
    from indexer import schema as f
    from search.scoring import DocScorer

    def similar_documents(searcher, table, doc, passages, visible, limit=documents.SIMILAR_DOCS):
        scorer = DocScorer(searcher, table, visible=visible)
        words = documents.key_terms(passages, scorer)
        if not words:
            return ()
        res = scorer.evaluate(wq.Or([wq.Term(f.TEXT_FIELD, w) for w in words]))
        score = np.where(visible, res.score, 0.0)
        score[table.ordinal[doc.doc_id]] = 0.0
        k = min(limit, len(score) - 1)
        if k <= 0:
            return ()
        top = np.argpartition(-score, k)[:k]
        top = top[np.argsort(-score[top], kind="stable")]
        return tuple(documents.SimilarDocument(table.docs[o].doc_id, table.docs[o].meta.title,
                                               table.docs[o].meta.date, table.docs[o].doc_type,
                                               round(float(score[o]), 2))
                     for o in top if score[o] > 0)

    documents.similar_documents = similar_documents
    kb.similar_documents = similar_documents


def patch_table() -> None:
    from search import engine
    from search.doctable import load_doc_table
    from search.spelling import Vocabulary

    load_lock = threading.Lock()

    def _table(self, searcher):
        overlay = self.corrections.overlay() if self.corrections is not None else None
        key = (str(self._gen), searcher.reader().generation(), overlay.version if overlay else None)
        with self._lock:
            cached = self._tables.get(key)
        if cached is None:
            with load_lock:                              # single flight
                with self._lock:
                    cached = self._tables.get(key)
                if cached is None:
                    cached = (load_doc_table(searcher, overlay), Vocabulary.load(Path(key[0])))
                    with self._lock:
                        self._tables = {key: cached}
        return cached

    engine.Engine._table = _table


def patch_passages() -> None:
    """`load_passages` looks the document's passages up by DOC_ID alone (a few postings) and drops
    the document record in Python, instead of And(DOC_ID, KIND:p), whose intersection walks the
    KIND:p posting list of every passage (19 -> 0.6 ms CPU per document page at 10k)."""
    import search.documents as documents
    import search.kb as kb
    from indexer import schema as f

    def load_passages(searcher, doc_id):
        views = [documents._passage_view(s) for s in searcher.documents(**{f.DOC_ID: doc_id})
                 if f.DOC_JSON not in s]
        return tuple(sorted(views, key=lambda p: p.n))

    documents.load_passages = load_passages
    kb.load_passages = load_passages


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--fix", action="append", default=[], choices=["similar", "table", "passages"])
    a = ap.parse_args()
    if a.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bench server: loopback only")
    if "similar" in a.fix:
        patch_similar()
    if "table" in a.fix:
        patch_table()
    if "passages" in a.fix:
        patch_passages()
    from waitress import serve

    from app import create_app
    print(f"what-if server, fixes: {a.fix}", flush=True)
    serve(create_app(), host=a.host, port=a.port, threads=a.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
