"""Expensive queries: a per-request time budget, and refusals for floods and deep pages."""
from __future__ import annotations

import pytest

from app import create_app
from indexer.build import build_index
from indexer.records import Marking
from search.errors import QueryError, QueryTooExpensive
from search.kb import KnowledgeBase
from search.query import SearchRequest
from tests.conftest import TEST_CORPUS


def test_a_search_past_its_budget_is_refused_with_advice(index_dir, taxonomy):
    kb = KnowledgeBase(index_dir, taxonomy, query_budget_s=1e-9)
    with pytest.raises(QueryTooExpensive, match="narrow it"):
        kb.search(SearchRequest(text="defense reform audit"), Marking.RESTRICTED)


def test_the_same_search_within_budget_answers(index_dir, taxonomy):
    kb = KnowledgeBase(index_dir, taxonomy, query_budget_s=2.0)
    assert kb.search(SearchRequest(text="defense reform audit"), Marking.RESTRICTED).total >= 1


def test_the_app_passes_its_budget_down_and_answers_400(index_dir, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                      "CORPUS_DIR": str(TEST_CORPUS), "DATA_DIR": str(tmp_path),
                      "QUERY_BUDGET_MS": 1e-6})
    resp = app.test_client().get("/api/search?q=defense")
    assert resp.status_code == 400
    assert "budget" in resp.get_json()["error"] and "narrow" in resp.get_json()["error"]
    assert create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                       "DATA_DIR": str(tmp_path)}).extensions["kb"].query_budget_s == 2.0


@pytest.fixture(scope="module")
def flood_index(tmp_path_factory, taxonomy):
    """An index with 400 distinct words starting with "zyx" (a wildcard flood)."""
    root = tmp_path_factory.mktemp("flood")
    corpus = root / "corpus"
    corpus.mkdir()
    words = " ".join(f"zyx{chr(97 + i // 26)}{chr(97 + i % 26)}q" for i in range(400))
    (corpus / "flood.md").write_text(f"# Flood\n\nDefense words: {words}.\n")
    build_index(corpus, root / "index", taxonomy)
    return root / "index"


@pytest.mark.parametrize("text, message", [
    ("zyx*", "matches too many words; type more letters"),
    (" OR ".join(f"w{i}" for i in range(65)), "at most 64"),
    ("a*", "at least 3 letters"),
])
def test_floods_are_refused_with_a_clear_message(flood_index, taxonomy, text, message):
    kb = KnowledgeBase(flood_index, taxonomy, query_budget_s=2.0)
    with pytest.raises(QueryError, match=message):
        kb.search(SearchRequest(text=text), Marking.RESTRICTED)


def test_a_narrower_wildcard_still_answers(flood_index, taxonomy):
    kb = KnowledgeBase(flood_index, taxonomy, query_budget_s=2.0)
    assert kb.search(SearchRequest(text="zyxaa*"), Marking.RESTRICTED).total == 1


def test_deep_pages_are_refused_over_the_api(client):
    resp = client.get("/api/search?q=defense&page=11&per_page=100")
    assert resp.status_code == 400 and "too deep" in resp.get_json()["error"]
