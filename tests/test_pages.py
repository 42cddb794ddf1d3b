"""The HTML pages: real app over tests/corpus, plus templates rendered with hand-made results."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import render_template

from search.query import FACET_LABELS, SearchRequest
from search.results import (Chip, DocumentHit, Expansion, FacetValue, Fragment, SearchResults,
                            Snippet)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
QUERY_WORD = "defense"


def soup_of(resp) -> BeautifulSoup:
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def total_of(page: BeautifulSoup) -> int:
    return int(page.select_one("[data-total]")["data-total"])


def facet_values(page: BeautifulSoup, facet: str) -> dict[str, dict]:
    """Return {value: {"count", "checked", "href"}} of one facet group on a search page."""
    out = {}
    for el in page.select(f'#facets li[data-facet="{facet}"][data-value]'):
        box = el.select_one("input[type=checkbox]")
        out[el["data-value"]] = {"count": int(el.select_one("[data-count]")["data-count"]),
                                 "checked": box.has_attr("checked"), "href": box["data-href"]}
    return out


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# --- the real app over tests/corpus ----------------------------------------------------------


def test_search_page_lists_hits_with_snippets_linking_to_document_anchors(client):
    resp = client.get("/search", query_string={"q": QUERY_WORD})
    assert resp.status_code == 200
    page = soup_of(resp)
    hits = page.select("[data-hit]")
    assert hits and total_of(page) >= len(hits)
    for hit in hits:
        title = hit.select_one(".hit__title a")
        assert title["href"] == f"/documents/{hit['data-id']}"
        assert hit.select_one("[data-marking]")["data-marking"] in {"PUBLIC", "INTERNAL",
                                                                   "RESTRICTED"}
        for snippet in hit.select("[data-snippet]"):
            assert re.fullmatch(rf"/documents/{re.escape(hit['data-id'])}#p-\d+",
                                snippet.a["href"])
    assert page.select("[data-snippet] mark"), "query words are highlighted in snippets"
    assert page.select_one("[data-total]").get("aria-live") == "polite"


def test_browse_page_offers_every_facet_group_with_counts(client):
    page = soup_of(client.get("/search"))
    groups = {el["data-facet-group"] for el in page.select("[data-facet-group]")}
    assert {"loe", "type", "lang"} <= groups
    counts = facet_values(page, "type")
    assert sum(v["count"] for v in counts.values()) == total_of(page), \
        "every document has exactly one type"
    assert not any(v["checked"] for v in counts.values())


def test_facet_link_filters_shows_a_chip_and_a_second_click_undoes_it(client):
    browse = soup_of(client.get("/search"))
    value, before = next(iter(facet_values(browse, "loe").items()))
    assert params(before["href"])["loe"] == [value]

    filtered = soup_of(client.get(before["href"]))
    assert total_of(filtered) == before["count"]
    assert len(filtered.select("[data-hit]")) == min(before["count"], 20)
    after = facet_values(filtered, "loe")[value]
    assert after["checked"] and "loe" not in params(after["href"])
    chips = filtered.select("[data-chip]")
    assert [(c["data-facet"], c["data-value"]) for c in chips] == [("loe", value)]

    undone = soup_of(client.get(chips[0].select_one("a")["href"]))
    assert total_of(undone) == total_of(browse)
    assert not undone.select("[data-chip]")


def test_facet_form_submits_as_plain_get_without_javascript(client):
    """The facet panel is a GET form: ticked boxes are name=facet value=value pairs."""
    page = soup_of(client.get("/search", query_string={"q": QUERY_WORD}))
    form = page.select_one("form#facets")
    assert form["method"] == "get" and form["action"] == "/search"
    assert form.select_one('input[type=hidden][name="q"]')["value"] == QUERY_WORD
    box = form.select_one('li[data-facet="loe"] input[type=checkbox]')
    assert box["name"] == "loe"
    assert form.select_one("button[type=submit]").get_text(strip=True) == "Apply"
    resp = client.get("/search", query_string={"q": QUERY_WORD, "loe": box["value"]})
    assert [c["data-value"] for c in soup_of(resp).select("[data-chip]")] == [box["value"]]


def test_home_page_has_cards_for_every_line_of_effort_and_principle(client, taxonomy):
    page = soup_of(client.get("/"))
    for group in ("loe", "principle"):
        cards = page.select(f'.card[data-facet="{group}"]')
        assert [c["data-value"] for c in cards] == [t.id for t in taxonomy.group(group)]
        for card in cards:
            assert card.select_one("a")["href"] == f"/{group}/{card['data-value']}"
            if int(card.select_one("[data-count]")["data-count"]):
                link = card.select_one("a[data-search]")
                assert params(link["href"])[group] == [card["data-value"]]
    assert page.select_one("#loe")
    assert page.select(".recent [data-hit]")


def test_page_has_landmarks_skip_link_and_labelled_search_box(client):
    page = soup_of(client.get("/search", query_string={"q": QUERY_WORD}))
    assert page.html["lang"] == "en"
    assert page.select_one("a.skip-link")["href"] == "#main"
    assert page.select_one("main#main") and page.select_one("header") and page.select_one("aside")
    assert page.select_one('nav[aria-label="Main"]')
    assert page.select_one('label[for="q"]') and page.select_one("form[role=search] input#q")
    for box in page.select("input:not([type=hidden])"):
        assert box.get("id") and page.select_one(f'label[for="{box["id"]}"]'), box


@pytest.mark.parametrize("args, message", [
    ({"q": '"unterminated'}, None),
    ({"loe": "nonexistent"}, "line of effort"),
    ({"page": "abc"}, "page"),
])
def test_bad_query_renders_the_error_page_with_400(client, args, message):
    resp = client.get("/search", query_string=args)
    assert resp.status_code == 400
    page = soup_of(resp)
    assert page.select_one("[data-status]")["data-status"] == "400"
    text = page.select_one("[data-message]").get_text(strip=True)
    assert text and (message is None or message in text)
    assert "Traceback" not in resp.get_data(as_text=True)
    assert page.select_one("input#q")["value"] == args.get("q", "")


def test_unknown_page_renders_the_error_page_with_404(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert soup_of(resp).select_one("[data-status]")["data-status"] == "404"


# --- templates rendered with hand-made results ----------------------------------------------


def make_hit(**overrides) -> DocumentHit:
    fields = dict(
        id="minutes-2022", path="minutes-2022.md", title="Minutes of the 2022 consultations",
        date="2022-03-15", type="minutes", lang="en", marking="INTERNAL",
        loe=("sector-reform",), principle=("senior-engagement",), score=1.0,
        snippets=(Snippet("minutes-2022#3", "", "Audit", 4,
                          (Fragment("the ", False), Fragment("audit", True),
                           Fragment(" <b>plan</b>", False)), "p-3"),))
    return DocumentHit(**(fields | overrides))


def make_results(req: SearchRequest, hits=(make_hit(),), **overrides) -> SearchResults:
    fields = dict(
        total=len(hits), page=1, per_page=20, pages=1, hits=tuple(hits),
        facets={"loe": (FacetValue("sector-reform", "Defense sector reform", 1, False,
                                   req.toggled("loe", "sector-reform").query_string()),)},
        suggestion=None, suggestion_query_string=None, expanded=(), chips=(), took_ms=3.0,
        is_browse=False)
    return SearchResults(**(fields | overrides))


def render_search(app, taxonomy, req: SearchRequest, results: SearchResults) -> BeautifulSoup:
    with app.test_request_context("/search?" + req.query_string()):
        html = render_template("search.html", req=req, results=results,
                               facet_labels=FACET_LABELS, taxonomy=taxonomy)
    return BeautifulSoup(html, "html.parser")


def test_hit_title_and_snippet_markup_are_escaped(app, taxonomy):
    req = SearchRequest(text="audit")
    hit = make_hit(title="<script>alert(1)</script> Minutes")
    page = render_search(app, taxonomy, req, make_results(req, hits=(hit,)))
    title = page.select_one("[data-hit] .hit__title a")
    assert title.get_text() == "<script>alert(1)</script> Minutes"
    assert not title.find("script")
    snippet = page.select_one("[data-snippet] p")
    assert [m.get_text() for m in snippet.find_all("mark")] == ["audit"]
    assert not snippet.find("b") and "<b>plan</b>" in snippet.get_text()
    assert all(s.get("src") for s in page.find_all("script")), "CSP allows no inline script"


def test_ukrainian_hit_is_marked_lang_uk(app, taxonomy):
    req = SearchRequest(text="аудит")
    page = render_search(app, taxonomy, req, make_results(req, hits=(make_hit(lang="uk"),)))
    hit = page.select_one("[data-hit]")
    assert hit.select_one(".hit__title a")["lang"] == "uk"
    assert hit.select_one("[data-snippet] p")["lang"] == "uk"


def test_expansion_note_links_to_the_search_without_expansion(app, taxonomy):
    req = SearchRequest(text="MJC")
    results = make_results(req, expanded=(Expansion("MJC", "Multinational Joint Commission"),))
    note = render_search(app, taxonomy, req, results).select_one("[data-expansion]")
    assert "Multinational Joint Commission" in note.get_text()
    assert params(note.select_one("a[data-expand-off]")["href"]) == {"q": ["MJC"], "expand": ["0"]}


def test_suggestion_links_to_the_suggested_query(app, taxonomy):
    req = SearchRequest(text="adit")
    results = make_results(req, hits=(), total=0, suggestion="audit",
                           suggestion_query_string=req.with_text("audit").query_string())
    page = render_search(app, taxonomy, req, results)
    link = page.select_one("[data-suggestion] a")
    assert link.get_text(strip=True) == "audit" and params(link["href"]) == {"q": ["audit"]}
    assert page.select_one("[data-empty]")


def test_chips_link_to_their_removal_and_pagination_keeps_the_query(app, taxonomy):
    req = SearchRequest(text="audit", filters=(("loe", ("sector-reform",)),), page=2)
    results = make_results(req, total=45, page=2, pages=3, chips=(
        Chip("loe", "sector-reform", "Defense sector reform",
             req.toggled("loe", "sector-reform").query_string()),))
    page = render_search(app, taxonomy, req, results)
    chip = page.select_one("[data-chip]")
    assert "Defense sector reform" in chip.get_text()
    assert params(chip.a["href"]) == {"q": ["audit"]}
    assert params(page.select_one("a[rel=prev]")["href"]) == {"q": ["audit"],
                                                              "loe": ["sector-reform"]}
    assert params(page.select_one("a[rel=next]")["href"])["page"] == ["3"]


def test_templates_have_no_safe_filter_inline_script_style_or_handlers():
    """Autoescaping is the XSS defence and the CSP forbids inline code: keep both true."""
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|Markup\(|autoescape\s+false", text), path.name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path.name
        assert not re.search(r"\sstyle\s*=|<style\b|\son[a-z]+\s*=", text), path.name
