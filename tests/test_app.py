"""The JSON API and CLI of the real app over the tests/corpus index."""
from __future__ import annotations

import json

import pytest

from tests.conftest import TEST_CORPUS

HIT_KEYS = {"id", "path", "title", "date", "type", "lang", "marking", "loe", "principle", "score",
            "snippets"}
SNIPPET_KEYS = {"passage_id", "html", "section", "page"}


def test_api_search_has_the_documented_shape(client):
    data = client.get("/api/search?q=defense&per_page=5").get_json()
    assert {"total", "page", "per_page", "hits", "facets", "suggestion", "expanded",
            "took_ms"} <= set(data)
    assert data["hits"] and all(HIT_KEYS <= set(h) for h in data["hits"])
    assert all(SNIPPET_KEYS <= set(s) for h in data["hits"] for s in h["snippets"])
    assert set(data["facets"]) == {"loe", "principle", "type", "year", "lang", "org"}
    assert all({"value", "label", "count", "selected"} <= set(v)
               for vals in data["facets"].values() for v in vals)


def test_api_browse_lists_paths_relative_to_the_corpus(client):
    data = client.get("/api/search?q=&per_page=100").get_json()
    assert data["total"] == len(data["hits"])
    for hit in data["hits"]:
        assert (TEST_CORPUS / hit["path"]).is_file()


@pytest.mark.parametrize("q", ['"unterminated phrase', "title:", "AND OR NOT", "(((", "*",
                               "a" * 3000, "loe:nonexistent", "\x00", "NOT", "-",
                               "цивільний AND (контроль", "%", "\\"])
def test_awkward_queries_get_json_200_or_400(client, q):
    resp = client.get("/api/search", query_string={"q": q})
    assert resp.status_code in (200, 400)
    assert resp.is_json
    if resp.status_code == 400:
        assert resp.get_json()["error"]


def test_bad_parameters_are_400_with_a_message(client):
    resp = client.get("/api/search?loe=nonexistent")
    assert resp.status_code == 400 and "line of effort" in resp.get_json()["error"]
    resp = client.get("/api/search?page=100000")
    assert resp.status_code == 400 and "too deep" in resp.get_json()["error"]


def test_missing_index_is_503_naming_the_command(tmp_path):
    from app import create_app
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none"),
                      "DATA_DIR": str(tmp_path)})
    resp = app.test_client().get("/api/search?q=x")
    assert resp.status_code == 503 and "flask --app app index" in resp.get_json()["error"]


def test_api_tag_returns_tags_with_evidence(client):
    text = ("The Ministry of Defence will strengthen civilian control of the armed forces and "
            "increase transparency and accountability of defence procurement.")
    data = client.post("/api/tag", json={"text": text}).get_json()
    assert "sector-reform" in [t["id"] for t in data["loe"]]
    for t in data["loe"] + data["principle"]:
        for e in t["evidence"]:
            assert text[e["start"]:e["end"]] == e["text"]
    assert client.post("/api/tag", json={"x": 1}).status_code == 400


def test_security_headers_on_every_response(client):
    for path in ("/api/search?q=x", "/no-such-page"):
        resp = client.get(path)
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_cli_index_prints_a_json_summary_last(runner, tmp_path, corpus_copy):
    result = runner.invoke(args=["index", "--corpus", str(corpus_copy), "--index",
                                 str(tmp_path / "ix"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["indexed"] > 5 and summary["failed"] == [] and summary["removed"] == 0
    again = runner.invoke(args=["index", "--corpus", str(corpus_copy), "--index",
                                str(tmp_path / "ix")])
    assert again.exit_code == 0 and f"{summary['indexed']} unchanged" in again.output


def test_cli_index_refuses_a_missing_corpus(runner, tmp_path):
    result = runner.invoke(args=["index", "--corpus", str(tmp_path / "nope")])
    assert result.exit_code != 0 and "does not exist" in result.output


def test_cli_tag_prints_tags_and_evidence(runner, tmp_path):
    src = tmp_path / "t.txt"
    src.write_text("Annual bilateral defense consultations reviewed progress on procurement "
                   "reform and budgeting.", encoding="utf-8")
    result = runner.invoke(args=["tag", str(src), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert "senior-engagement" in [t["id"] for t in data["principle"]]


@pytest.mark.parametrize("name", sorted(__import__("tests.corpus_facts", fromlist=["x"]).FIXTURES))
def test_document_page_and_api_for_every_fixture(client, name):
    """Every format's document page and JSON carry the facts the fixture was written with."""
    from tests.corpus_facts import FIXTURES
    from indexer.scan import doc_id_for
    facts = FIXTURES[name]
    doc_id = doc_id_for(name)
    data = client.get(f"/api/documents/{doc_id}").get_json()
    assert (data["path"], data["title"], data["lang"], data["marking"]) == (
        name, facts["title"], facts["lang"], facts["marking"])
    assert data["date"] == facts["date"] and data["type"] == facts["type"]
    assert data["passages"] and all(p["text"] for p in data["passages"])
    assert set(facts["loe"]) <= {t["id"] for t in data["loe"]}
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200 and facts["title"].encode() in page.data.replace(b"&#39;", b"'")
    with client.get(f"/documents/{doc_id}/download") as download:
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.data == (TEST_CORPUS / name).read_bytes()
