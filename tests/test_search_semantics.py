"""Search semantics on a corpus written for the purpose: exclusion, expansion, dates, spelling."""
from __future__ import annotations

import pytest

from tests.day_corpus import day_app


@pytest.fixture(scope="module")
def day(tmp_path_factory, taxonomy):
    return day_app(tmp_path_factory.mktemp("day"), taxonomy).test_client()


def ids(client, query: str) -> set[str]:
    res = client.get(f"/api/search?{query}")
    assert res.status_code == 200, res.get_json()
    return {h["id"] for h in res.get_json()["hits"]}


def test_an_exclusion_applies_to_the_whole_query_not_only_the_last_or_branch(day):
    assert ids(day, "q=fuel OR ammunition -CRS") == {"fuel-review.md", "ammunition-review.md",
                                                     "undated-fuel.md"}
    assert ids(day, "q=fuel OR ammunition NOT CRS") == ids(day, "q=fuel OR ammunition -CRS")
    assert ids(day, "q=(fuel -CRS) OR ammunition") == {"fuel-review.md", "undated-fuel.md",
                                                       "ammunition-review.md",
                                                       "ammunition-crs.md"}


def test_expansion_only_adds_documents_to_what_the_typed_words_find(day):
    typed = ids(day, "q=Ukraine Security Assistance Initiative&expand=0")
    expanded = day.get("/api/search?q=Ukraine Security Assistance Initiative").get_json()
    assert "scattered.md" in typed
    assert typed <= {h["id"] for h in expanded["hits"]}
    assert expanded["expanded"]          # the taxonomy's USAI was added


def test_an_acronym_defined_by_one_document_does_not_expand_queries(day, tmp_path, taxonomy):
    res = day.get("/api/search?q=HL").get_json()
    assert res["expanded"] == []
    assert {h["id"] for h in res["hits"]} == {"harbor-note.md", "hl-unrelated.md"}
    second = {"harbor-plan.md": "---\ntitle: Harbor plan\ndate: 2024-02-02\ntype: report\n"
              "marking: INTERNAL\nlang: en\n---\n\nThe harbor logistics (HL) plan assigns cranes.\n"}
    supported = day_app(tmp_path, taxonomy, second).test_client()
    res = supported.get("/api/search?q=HL").get_json()
    assert [e["term"] for e in res["expanded"]] == ["HL"]


def test_a_reversed_date_range_says_what_to_fix(day):
    res = day.get("/api/search?q=fuel&from=2021&to=2019")
    assert res.status_code == 400
    assert "swap" in res.get_json()["error"] and "2019" in res.get_json()["error"]
    page = day.get("/search?q=fuel&from=2021&to=2019")
    assert b"swap the dates" in page.data


def test_date_filters_count_the_undated_documents_they_hide_and_link_to_them(day):
    res = day.get("/api/search?q=fuel&from=2019").get_json()
    assert res["undated"] == 1 and "undated-fuel.md" not in {h["id"] for h in res["hits"]}
    assert "undated=1" in res["undated_query_string"]
    assert "undated-fuel.md" in ids(day, res["undated_query_string"])
    assert day.get("/api/search?q=fuel").get_json()["undated"] == 0
    page = day.get("/search?q=fuel&from=2019").get_data(as_text=True)
    assert "1 undated document not shown" in page and "undated=1" in page


@pytest.mark.parametrize("typed, suggestion", [("antycorruption", "anti-corruption"),
                                               ("anticorruption", "anti-corruption"),
                                               ("ammuni tion", "ammunition")])
def test_suggestions_cover_hyphen_and_spacing_variants(day, typed, suggestion):
    res = day.get(f"/api/search?q={typed}").get_json()
    assert res["total"] == 0 and res["suggestion"] == suggestion
