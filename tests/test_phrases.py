"""Phrase matching (search/phrases.py) against Whoosh's own Phrase query, and the page sort.

Whoosh's span matcher is the reference: our position check must find exactly its documents,
and the restricted passage phrases must give exactly its hits and scores on a page.
"""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer import schema as f
from indexer.analysis import terms
from search.errors import QueryTooExpensive
from search.phrases import phrase_docnums, within_docnums
from search.query import SearchRequest
from search.scoring import DocScorer
from search.searching import _by_date

WORDS = ["alfa", "bravo", "charli", "delta", "echo", "the", "of"]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """A throwaway index of 3 segments (one with deletions) holding document records
    (DOC_TEXT, some past 1,000 positions or with position gaps over 65,535) and
    passage records (TEXT_FIELD, TITLE, SECTION): enough postings for several blocks."""
    path = tmp_path_factory.mktemp("phrases")
    ix = whoosh_index.create_in(str(path), f.build_schema())
    rng = random.Random(7)
    for batch in range(3):
        with ix.writer() as w:
            w.merge = False
            for i in range(400):
                doc_id = f"d{batch}-{i}"
                n = rng.choice([1, 2, 5, 40, 300, 1500])
                w.add_document(**{f.KIND: f.KIND_DOC, f.DOC_ID: doc_id, f.PASSAGE_ID: doc_id,
                                  f.DOC_TEXT: _text(rng, n), f.DOC_TITLE: _text(rng, 3)})
                for n_passage in range(1, 4):
                    w.add_document(**{f.KIND: f.KIND_PASSAGE, f.DOC_ID: doc_id,
                                      f.PASSAGE_ID: f"{doc_id}#{n_passage}",
                                      f.TEXT_FIELD: _text(rng, 30), f.TITLE: _text(rng, 3),
                                      f.SECTION: _text(rng, 2)})
            if batch == 0:
                w.add_document(**{f.KIND: f.KIND_DOC, f.DOC_ID: "far", f.PASSAGE_ID: "far",
                                  f.DOC_TEXT: "alfa " + "x " * 70000 + "alfa bravo"})
    with ix.writer() as w:
        w.merge = False
        for i in range(0, 400, 7):
            w.delete_by_term(f.DOC_ID, f"d1-{i}")
    return path


def _whoosh_phrase(searcher, field: str, words: list[str]) -> list[int]:
    return sorted(searcher.docs_for_query(wq.Phrase(field, words)))


def _all_words(searcher, field: str, words: list[str]) -> list[int]:
    return sorted(searcher.docs_for_query(wq.And([wq.Term(field, w) for w in words])))


@pytest.mark.parametrize("words", [["alfa", "bravo"], ["the", "of", "the"], ["alfa", "alfa"],
                                   ["echo"], ["delta", "charli", "bravo", "alfa"],
                                   ["alfa", "zulu"], ["of", "the", "of", "the", "of"],
                                   ["x", "alfa"], ["alfa", "x", "x"]])
def test_phrase_docnums_agree_with_whoosh_across_segments_and_deletions(segmented, words):
    """Every combination of candidates and reading order finds Whoosh's documents."""
    ix = whoosh_index.open_dir(str(segmented))
    with ix.searcher() as s:
        assert len(s.reader().leaf_readers()) == 3
        expected = _whoosh_phrase(s, f.DOC_TEXT, words)
        candidates = _all_words(s, f.DOC_TEXT, words)
        orders = [None, list(range(len(words))), list(reversed(range(len(words))))]
        for order in orders:
            assert phrase_docnums(s.reader(), f.DOC_TEXT, words, order=order) == expected
            assert phrase_docnums(s.reader(), f.DOC_TEXT, words, candidates, order) == expected


def test_phrase_across_a_position_gap_over_65535_is_found(segmented):
    ix = whoosh_index.open_dir(str(segmented))
    with ix.searcher() as s:
        far = s.document_number(**{f.PASSAGE_ID: "far"})
        found = phrase_docnums(s.reader(), f.DOC_TEXT, ["alfa", "bravo"])
        assert far in found and found == _whoosh_phrase(s, f.DOC_TEXT, ["alfa", "bravo"])


def test_phrase_check_runs_the_budget_check_between_words(segmented):
    def spent() -> None:
        raise QueryTooExpensive("spent")
    ix = whoosh_index.open_dir(str(segmented))
    with ix.searcher() as s, pytest.raises(QueryTooExpensive):
        phrase_docnums(s.reader(), f.DOC_TEXT, ["alfa", "bravo"], check=spent)


@pytest.mark.parametrize("phrase", ["civilian control", "multinational joint commission",
                                    "the the", "of the", "цивільного контролю"])
def test_scorer_phrase_documents_agree_with_whoosh(kb, index_dir, phrase):
    """The scorer's candidates (from cached postings) and reading order keep Whoosh's answer."""
    words = [t.text for t in terms(phrase)]
    with kb.engine.reading() as r:
        expected = _whoosh_phrase(r.searcher, f.DOC_TEXT, words)
        ordinals = sorted(int(r.table.record_doc[d]) for d in expected)
        scores = DocScorer(r.searcher, r.table).evaluate(wq.Phrase(f.TEXT_FIELD, words))
        assert np.flatnonzero(scores.mask).tolist() == ordinals


def _hits(searcher, q: wq.Query) -> list[tuple[int, float]]:
    return [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)]


@pytest.mark.parametrize("query", [
    wq.Phrase(f.TEXT_FIELD, ["alfa", "bravo"]),
    wq.Or([wq.Phrase(field, ["the", "of"]) for field in f.SEARCH_FIELDS]),
    wq.Or([wq.And([wq.Phrase(f.TEXT_FIELD, ["bravo", "charli", "delta"]),
                   wq.Term(f.TEXT_FIELD, "echo")]),
           wq.Phrase(f.TITLE, ["alfa", "alfa"], boost=2.0), wq.Term(f.SECTION, "of")]),
    wq.AndNot(wq.Phrase(f.TEXT_FIELD, ["echo", "the"]), wq.Phrase(f.SECTION, ["of", "of"])),
])
def test_restricted_phrases_give_whoosh_hits_and_scores_on_the_page(segmented, query):
    """Restricting phrases to a page's passages changes neither its hits nor their scores."""
    ix = whoosh_index.open_dir(str(segmented))
    with ix.searcher() as s:
        owners = wq.Or([wq.Term(f.DOC_ID, d) for d in ["d0-3", "d0-399", "d1-8", "d2-200", "x"]])
        docnums = sorted(s.docs_for_query(owners))
        expected = _hits(s, wq.And([owners, query]))
        assert expected
        assert _hits(s, wq.And([owners, within_docnums(query, s, docnums)])) == expected


def test_restricted_phrases_on_the_session_index(kb):
    with kb.engine.reading() as r:
        s, docs = r.searcher, r.table.docs
        owners = wq.Or([wq.Term(f.DOC_ID, d.doc_id) for d in docs])
        query = wq.Or([wq.Phrase(field, ["civilian", "control"]) for field in f.SEARCH_FIELDS])
        expected = _hits(s, wq.And([owners, query]))
        restricted = within_docnums(query, s, sorted(s.docs_for_query(owners)))
        assert expected and _hits(s, wq.And([owners, restricted])) == expected


@pytest.mark.parametrize("newest", [True, False])
def test_date_order_is_by_date_then_document_id(kb, newest):
    """The vectorized page sort equals sorting by (date, id); undated documents last."""
    with kb.engine.reading() as r:
        table = r.table
        ids = [d.doc_id for d in table.docs]
        assert ids == sorted(ids)                       # ordinals follow document ids
        mask = np.ones(len(ids), dtype=bool)
        dated = sorted((o for o in range(len(ids)) if table.dates[o]),
                       key=lambda o: (table.dates[o], ids[o]), reverse=newest)
        undated = [o for o in range(len(ids)) if not table.dates[o]]
        assert _by_date(table, mask, newest) == dated + undated


def test_newest_first_search_lists_dates_descending(kb):
    from indexer.records import Marking
    res = kb.search(SearchRequest(text="defense", sort="newest", per_page=100), Marking.RESTRICTED)
    dates = [h.date for h in res.hits if h.date]
    assert dates == sorted(dates, reverse=True) and res.total == len(res.hits)


@pytest.mark.parametrize("field", [f.TEXT_FIELD, f.TITLE, f.SECTION])
@pytest.mark.parametrize("deletions", [False, True])
def test_phrase_score_is_the_sum_of_its_words_scores_where_it_matches(kb, field, deletions):
    """Scoring a phrase from the positions read equals summing its words' term scores
    (postings read whole), with Whoosh's document frequencies or, when the index has
    deletions, the counts of the postings."""
    with kb.engine.reading() as r:
        for phrase in ["civilian control", "the", "of the", "multinational joint commission"]:
            words = [t.text for t in terms(phrase)]
            reference = DocScorer(r.searcher, r.table)
            scorer = DocScorer(r.searcher, r.table)
            if deletions:
                scorer.reader = _WithDeletions(scorer.reader)
            got = scorer.evaluate(wq.Phrase(field, words))
            expected = np.where(got.mask, sum(reference.evaluate(wq.Term(field, w)).score
                                              for w in words), 0.0)
            assert np.array_equal(got.score, expected), phrase


class _WithDeletions:
    """A reader that says it has deletions (the scorer then counts postings itself)."""

    def __init__(self, reader) -> None:
        self._reader = reader

    def has_deletions(self) -> bool:
        return True

    def __getattr__(self, name: str):
        return getattr(self._reader, name)

    def __contains__(self, term) -> bool:
        return term in self._reader
