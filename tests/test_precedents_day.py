"""The precedent finder over many matches: one entry per document, paging, citations, words."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.day_corpus import day_app


@pytest.fixture(scope="module")
def day(tmp_path_factory, taxonomy):
    return day_app(tmp_path_factory.mktemp("precedents"), taxonomy).test_client()


def get(client, **params):
    resp = client.get("/api/precedents", query_string=params)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_each_document_is_one_entry_saying_how_many_more_passages_match(day):
    data = get(day, q="boots")
    ids = [h["id"] for h in data["hits"]]
    assert len(ids) == len(set(ids)) == data["total"] == 2
    review = next(h for h in data["hits"] if h["id"] == "procurement-review.md")
    assert review["more"] == 2 and data["passages"] == 4
    page = BeautifulSoup(day.get("/precedents?q=boots").data, "html.parser")
    assert "2 more passages" in page.select_one("[data-more]").get_text()


def test_pages_walk_through_every_match_and_the_timeline_orders_all_of_them(day):
    first, second = get(day, q="depots", limit=1), get(day, q="depots", limit=1, page=2)
    assert first["total"] >= 2 and first["pages"] == first["total"] and second["page"] == 2
    assert first["hits"][0]["id"] != second["hits"][0]["id"]
    timeline = [get(day, q="depots", limit=1, page=n, view="timeline")["hits"][0]["date"] or "9999"
                for n in range(1, first["total"] + 1)]
    assert timeline == sorted(timeline)
    ranked = {get(day, q="depots", limit=1, page=n)["hits"][0]["id"]
              for n in range(1, first["total"] + 1)}
    assert len(ranked) == first["total"]
    soup = BeautifulSoup(day.get("/precedents?q=depots&limit=1").data, "html.parser")
    assert "page=2" in soup.select_one('a[rel="next"]')["href"]
    assert day.get("/api/precedents?q=depots&page=0").status_code == 400


def test_citations_have_an_absolute_link_title_once_date_and_section(day):
    hit = get(day, q="tenders")["hits"][0]
    cite = hit["citation"]
    assert cite.count("Procurement review") == 1 and "2016-04-04" in cite and "Tenders" in cite
    assert "<http://localhost/documents/procurement-review.md#p-" in cite
    page = BeautifulSoup(day.get("/precedents?q=tenders").data, "html.parser")
    assert "http://localhost/documents/" in page.select_one("[data-citation-text]").get_text()


def test_the_paragraphs_words_are_shown_as_written(day):
    page = BeautifulSoup(day.get("/precedents?text=The ministry prioritized boots "
                                 "tenders").data, "html.parser")
    words = page.select_one("[data-terms]").get_text()
    assert "prioritized" in words and "prioriti," not in words + ","


def test_a_ukrainian_paragraph_finds_english_documents_through_the_taxonomy(day):
    data = get(day, text="Порядок публічних закупівель потребує перегляду.")
    assert "procurement-review.md" in {h["id"] for h in data["hits"]}
