"""The precedent finder: API shape, filters, ordering, errors, and the marking filter."""
from __future__ import annotations

import pytest

from indexer.records import Marking
from search.errors import QueryError
from search.precedents import API_FIELDS
from search.requests import PrecedentRequest
from tests.conftest import EVAL_DEV, needs_shared
from tests.corpus_facts import CANARY_FILE, CANARY_WORD

FUEL_PARAGRAPH = ("Agenda: the regional depots still lack a common fuel accounting system and "
                  "trained accountants; the co-chairs should check what was agreed on fuel.")


def _get(client, **params):
    resp = client.get("/api/precedents", query_string=params)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_pasted_paragraph_brings_back_the_fuel_minutes_first(client):
    data = _get(client, text=FUEL_PARAGRAPH)
    assert data["total"] >= 1
    first = data["hits"][0]
    assert set(first) == set(API_FIELDS)
    assert (first["id"], first["kind"], first["section"]) == (
        "logistics-working-group-minutes.md", "decision", "Decisions and commitments")
    assert "<mark>" in first["html"] and "fuel accountant" in first["text"]


def test_keyword_query_and_paragraph_are_ored(client):
    only_q = {h["passage_id"] for h in _get(client, q="radars")["hits"]}
    only_text = {h["passage_id"] for h in _get(client, text=FUEL_PARAGRAPH)["hits"]}
    both = {h["passage_id"] for h in _get(client, q="radars", text=FUEL_PARAGRAPH, limit=100)["hits"]}
    assert only_q and only_text and (only_q | only_text) <= both


def test_ranked_view_orders_by_score_and_timeline_by_date(client):
    ranked = _get(client, text=FUEL_PARAGRAPH + " Radars, cyber exercises and industry.")["hits"]
    timeline = _get(client, text=FUEL_PARAGRAPH + " Radars, cyber exercises and industry.",
                    view="timeline")["hits"]
    scores = [h["score"] for h in ranked]
    assert scores == sorted(scores, reverse=True)
    dates = [h["date"] for h in timeline]
    assert dates == sorted(dates) and len(set(dates)) > 1
    assert {h["passage_id"] for h in ranked} == {h["passage_id"] for h in timeline}


@pytest.mark.parametrize("params, check", [
    ({"kind": "decision"}, lambda h: h["kind"] == "decision"),
    ({"type": "minutes"}, lambda h: h["type"] == "minutes"),
    ({"from": "2020"}, lambda h: h["date"] >= "2020"),
    ({"to": "2018-12"}, lambda h: h["date"] <= "2018-12-31"),
])
def test_filters_keep_only_matching_passages(client, params, check):
    hits = _get(client, text=FUEL_PARAGRAPH + " Radars, cyber, industry, partnership.",
                **params)["hits"]
    assert hits and all(check(h) for h in hits)


def test_loe_filter_uses_the_passage_tags(client, kb):
    hits = _get(client, text="industry co-production export control end-use monitoring",
                loe="technology-cooperation")["hits"]
    assert hits
    for h in hits:
        doc = kb.document(h["id"], Marking.RESTRICTED)
        (passage,) = [p for p in doc.passages if p.id == h["passage_id"]]
        assert "technology-cooperation" in passage.loe


@pytest.mark.parametrize("query, message", [
    ("", "give a topic (q) or paste a paragraph"),
    ("q=fuel&kind=promise", "unknown statement kind 'promise'"),
    ("q=fuel&loe=space", "unknown line of effort 'space'"),
    ("q=fuel&view=grid", "unknown view 'grid'"),
    ("q=fuel&from=2020-13", "from must be a date"),
    ("q=fuel&from=2021&to=2019", "the period ends (2019) before it starts (2021)"),
    ("q=fuel&limit=0", "limit must be a whole number"),
])
def test_bad_requests_say_what_to_fix(client, query, message):
    resp = client.get(f"/api/precedents?{query}")
    assert resp.status_code == 400 and message in resp.get_json()["error"]


@pytest.mark.parametrize("clearance, visible", [
    (Marking.PUBLIC, False), (Marking.INTERNAL, False), (Marking.RESTRICTED, True)])
def test_restricted_canary_is_a_precedent_only_at_restricted(kb, taxonomy, clearance, visible):
    req = PrecedentRequest.from_args({"q": [CANARY_WORD], "text": [
        "Audit of fuel, spare parts and ammunition stocks at the northern depots."]}, taxonomy)
    ids = {h.id for h in kb.precedents(req, clearance).hits}
    assert (CANARY_FILE.name in ids) is visible


def test_public_viewer_sees_only_public_precedents(kb, taxonomy):
    req = PrecedentRequest.from_args({"text": [FUEL_PARAGRAPH + " radars partnership"]}, taxonomy)
    assert {h.marking for h in kb.precedents(req, Marking.PUBLIC).hits} == {"PUBLIC"}


def test_precedent_page_lists_hits_with_citations_and_view_links(client):
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(client.get("/precedents", query_string={"text": FUEL_PARAGRAPH}).data,
                         "html.parser")
    first = soup.select_one("[data-precedent]")
    assert first["data-id"] == "logistics-working-group-minutes.md"
    assert first.select_one("[data-passage-link]")["href"].startswith(
        "/documents/logistics-working-group-minutes.md#p-")
    assert "Minutes of the Logistics Working Group" in first.select_one("[data-citation-text]").text
    assert first.select_one("[data-copy-citation]").has_attr("hidden")     # shown by JS only
    assert "view=timeline" in soup.select_one('[data-view="timeline"]')["href"]


def test_precedent_page_without_input_shows_only_the_form(client):
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(client.get("/precedents").data, "html.parser")
    assert soup.select_one("#precedent-form") and not soup.select("[data-total]")


EEUM_PARAGRAPH = (
    "Draft agenda item: accountability for weapons provided to Ukraine. The partners want "
    "assurance that enhanced end-use monitoring of sensitive defense articles works in wartime: "
    "serial-number inventories of night vision devices and missiles, prompt reporting of items "
    "lost or destroyed in combat, and independent oversight of the monitoring by the inspectors "
    "general, so that no equipment is diverted.")
OVERSIGHT = {"020.md", "022.html", "048.md", "076.md", "077.pdf", "080.md"}


@pytest.mark.slow
@needs_shared(EVAL_DEV / "corpus")
def test_end_use_monitoring_paragraph_finds_the_oversight_documents_first(tmp_path, taxonomy):
    """Checked by hand on eval-dev: the DoD IG EEUM evaluations, then the oversight plan."""
    from indexer.build import build_index
    from search.kb import KnowledgeBase
    build_index(EVAL_DEV / "corpus", tmp_path, taxonomy)
    req = PrecedentRequest.from_args({"text": [EEUM_PARAGRAPH], "limit": ["40"]}, taxonomy)
    docs = list(dict.fromkeys(h.id for h in KnowledgeBase(tmp_path, taxonomy)
                              .precedents(req, Marking.RESTRICTED).hits))
    assert set(docs[:2]) == {"020.md", "022.html"}
    assert "048.md" in docs[:4] and set(docs[:docs.index("048.md")]) <= OVERSIGHT


def test_empty_request_raises_query_error(kb):
    with pytest.raises(QueryError):
        kb.precedents(PrecedentRequest(), Marking.RESTRICTED)
