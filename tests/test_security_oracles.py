"""Issue 15: a PUBLIC reader's answers are those of an index without the RESTRICTED document.

Two real indexes of a corpus written here (tests/security_corpus.py), one with a RESTRICTED
document holding unique words, shared words and 300 words of a wildcard family: every
answer a PUBLIC reader gets (status, hits, scores, facets, suggestion, precedent terms,
similar documents) must be the same over both.
"""
from __future__ import annotations

import pytest

from indexer.build import build_index
from indexer.records import Marking
from search.errors import QueryError
from search.kb import KnowledgeBase
from search.query import SearchRequest
from search.requests import PrecedentRequest
from tests.security_corpus import HIDDEN_ID, HIDDEN_WORDS, PREFIX, write_corpus


@pytest.fixture(scope="module")
def pair(tmp_path_factory, taxonomy) -> tuple[KnowledgeBase, KnowledgeBase]:
    """(without, with) the RESTRICTED document: two real indexes."""
    kbs = []
    for with_hidden in (False, True):
        root = tmp_path_factory.mktemp(f"oracle-{with_hidden}")
        corpus = write_corpus(root / "corpus", with_hidden)
        build_index(corpus, root / "index", taxonomy)
        kbs.append(KnowledgeBase(root / "index", taxonomy))
    return kbs[0], kbs[1]


def _answer(call):
    """Return a comparable answer: the value, or the refusal's message (a 400)."""
    try:
        return ("ok", call())
    except QueryError as exc:
        return ("400", str(exc))


def _search(kb: KnowledgeBase, text: str, clearance: Marking = Marking.PUBLIC):
    def call():
        r = kb.search(SearchRequest(text=text), clearance)
        return (r.total, [(h.id, h.score) for h in r.hits], r.facets, r.suggestion, r.expanded)
    return _answer(call)


def test_the_hidden_document_is_really_there(pair):
    without, with_hidden = pair
    assert _search(with_hidden, HIDDEN_WORDS[0], Marking.RESTRICTED)[1][0] == 1
    assert HIDDEN_ID in [h.id for h in with_hidden.search(
        SearchRequest(text="logistics"), Marking.RESTRICTED).hits]


@pytest.mark.parametrize("text", ["logistics", "depot stocks", "training officers",
                                  "logistics OR radars", '"depot stocks"', "title:depot"])
def test_scores_and_facets_ignore_hidden_documents(pair, text):
    without, with_hidden = pair
    answer = _search(without, text)
    assert answer[0] == "ok" and answer[1][0] > 0
    assert _search(with_hidden, text) == answer


def test_wildcard_limit_counts_only_visible_words(pair):
    without, with_hidden = pair
    answer = _search(without, PREFIX + "*")
    assert answer[0] == "ok" and answer[1][0] == 1
    assert _search(with_hidden, PREFIX + "*") == answer
    # the RESTRICTED reader does see 305 words: too many
    assert _search(with_hidden, PREFIX + "*", Marking.RESTRICTED)[0] == "400"


@pytest.mark.parametrize("typo, expected", [("zorbulat", "zorbulane"),
                                            ("zorbulate depott", "zorbulane depot")])
def test_did_you_mean_ignores_hidden_words(pair, typo, expected):
    """A hidden word neither wins the correction nor counts as known."""
    without, with_hidden = pair
    answer = _search(without, typo)
    assert answer[1][3] == expected
    assert _search(with_hidden, typo) == answer


def test_precedent_terms_ignore_hidden_words(pair):
    without, with_hidden = pair
    secret = PrecedentRequest(text=" ".join(HIDDEN_WORDS))
    assert _answer(lambda: without.precedents(secret, Marking.PUBLIC))[0] == "400"
    assert _answer(lambda: with_hidden.precedents(secret, Marking.PUBLIC))[0] == "400"
    mixed = PrecedentRequest(text=f"{HIDDEN_WORDS[0]} logistics depot fuel convoys training")

    def terms(kb):      # passage scores are Whoosh's (index-wide statistics): not compared
        r = kb.precedents(mixed, Marking.PUBLIC)
        return r.terms, [h.passage_id for h in r.hits]
    assert terms(with_hidden) == terms(without)
    assert "zorbul" not in " ".join(terms(with_hidden)[0])


def test_similar_documents_ignore_hidden_documents(pair):
    without, with_hidden = pair
    for doc_id in ("depot-review.md", "radar-upgrade.md", "training-plan.md"):
        assert (with_hidden.document(doc_id, Marking.PUBLIC).similar
                == without.document(doc_id, Marking.PUBLIC).similar)
