"""The commitments ledger as a staff member uses it: keywords, chips, sorting, one row each."""
from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from tests.day_corpus import day_app


@pytest.fixture(scope="module")
def day(tmp_path_factory, taxonomy):
    return day_app(tmp_path_factory.mktemp("ledger"), taxonomy).test_client()


def rows(client, query: str = "") -> list:
    resp = client.get(f"/commitments?{query}")
    assert resp.status_code == 200, resp.data[:300]
    return BeautifulSoup(resp.data, "html.parser").select("[data-row]")


def text_of(row) -> str:
    return row.select_one(".ledger__text").get_text(" ", strip=True)


def test_keywords_find_the_statements_that_speak_of_them(day):
    found = rows(day, "q=commitments on end-use monitoring")
    assert len(found) == 2
    assert all("end-use monitoring" in text_of(r) and r["data-kind"] == "commitment" for r in found)
    assert {text_of(r)[:20] for r in rows(day, "q=EUM")} == {text_of(r)[:20] for r in found}
    decided = rows(day, "q=decisions")
    assert decided and {r["data-kind"] for r in decided} == {"decision"}
    assert len(decided) < len(rows(day))


def test_the_csv_download_honours_the_keywords(day):
    resp = day.get("/commitments.csv?q=end-use monitoring")
    lines = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(lines) == 2 and all("end-use monitoring" in r["statement"] for r in lines)
    page = BeautifulSoup(day.get("/commitments?q=end-use monitoring").data, "html.parser")
    assert "q=end-use+monitoring" in page.select_one("[data-csv]")["href"]


def test_each_statement_is_one_row_with_its_tags_as_chips(day, client):
    for c in (day, client):
        found = rows(c)
        texts = [text_of(r) for r in found]
        assert len(texts) == len(set(texts)) > 0
        soup = BeautifulSoup(c.get("/commitments").data, "html.parser")
        assert int(soup.select_one("[data-total]")["data-total"]) == len(found)
    tagged = [r for r in rows(client) if r.select("[data-tag]")]
    assert tagged


def test_active_filters_show_as_chips_that_remove_them(day):
    soup = BeautifulSoup(day.get("/commitments?q=monitoring&actor=United States / DoD").data,
                         "html.parser")
    chips = soup.select("[data-chip]")
    assert [c["data-facet"] for c in chips] == ["Keywords", "Actor"]
    remove = chips[0].select_one(".chip__remove")["href"]
    assert "q=" not in remove and "actor=" in remove


def test_columns_sort_both_ways_and_undated_stays_last(day):
    dates = [r.select_one("td").get_text() for r in rows(day, "sort=-date")]
    assert dates == sorted(dates, reverse=True)
    soup = BeautifulSoup(day.get("/commitments?sort=date").data, "html.parser")
    assert "sort=-date" in soup.select_one('[data-sort="date"]')["href"]
    assert soup.select_one('th[aria-sort]')["aria-sort"] == "ascending"
    actors = [r["data-actor"] for r in rows(day, "sort=actor")]
    known = [a for a in actors if a]
    assert actors == sorted(known) + [""] * (len(actors) - len(known))     # blanks last
    assert day.get("/commitments?sort=colour").status_code == 400


def test_commitments_past_their_due_date_are_flagged(day):
    found = {text_of(r)[:40]: r for r in rows(day)}
    late = [t for t, r in found.items() if r.get("data-past-due") is not None]
    assert late == ["The United States committed to fund end-"]
    assert found[late[0]].select_one("[data-past-due-flag]").get_text() == "past due"
