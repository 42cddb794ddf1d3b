"""Reading aids (issue 5): tag pages, charts, home cards, reading lists, evidence marks, XSS."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app import create_app
from indexer.build import build_index
from indexer.records import Marking
from search.errors import NotFound, QueryError
from search.kb import KnowledgeBase
from tests.corpus_facts import CANARY_FILE, CANARY_WORD, FIXTURES

CANARY_ID = CANARY_FILE.name
TAG_GROUPS = ("loe", "principle")
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


def soup_of(resp) -> BeautifulSoup:
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def visible_facts(clearance: Marking) -> dict[str, dict]:
    """Return the fixtures a viewer at `clearance` may see."""
    return {name: f for name, f in FIXTURES.items() if Marking[f["marking"]] <= clearance}


def chart_counts(chart) -> dict[tuple[str, str], int]:
    """Return {(year, type): count} drawn in a YearChart."""
    return {(r.year, r.type): r.count for bar in chart.bars for r in bar.rects}


def tagged_ids(kb, group: str, tag: str, clearance: Marking) -> set[str]:
    """Return the ids of documents visible at `clearance` that carry a tag (via search)."""
    with kb.engine.reading() as r:
        return {d.doc_id for d in r.table.docs
                if d.meta.marking <= clearance and tag in d.tag_ids(group)}


# --- tag pages: counts, charts, key documents, decisions, co-tags ------------------------------


@pytest.mark.parametrize("clearance", list(Marking))
@pytest.mark.parametrize("group, tag", [("loe", "resource-management"), ("loe", "defense-capability"),
                                        ("principle", "senior-engagement")])
def test_tag_page_chart_counts_equal_the_corpus_facts(kb, group, tag, clearance):
    """Every document the fixtures say deserves the tag is drawn in its year and type."""
    page = kb.tag_page(group, tag, clearance)
    ids = tagged_ids(kb, group, tag, clearance)
    facts = {n: f for n, f in visible_facts(clearance).items() if n in ids}
    expected = Counter((f["date"][:4], f["type"]) for f in facts.values())
    key = "loe" if group == "loe" else "principles"
    assert {n for n, f in visible_facts(clearance).items() if tag in f[key]} <= set(facts)
    assert chart_counts(page.chart) == dict(expected)
    assert page.count == len(facts) == page.chart.total and page.chart.undated == 0
    assert sum(item.count for item in page.chart.legend) == page.count


def test_chart_years_are_contiguous_and_bars_stack_to_their_totals(kb):
    chart = kb.tag_page("loe", "resource-management", Marking.RESTRICTED).chart
    years = [int(b.year) for b in chart.bars]
    assert years == list(range(2017, 2024))
    for bar in chart.bars:
        assert bar.total == sum(r.count for r in bar.rects)
        assert all(r.height > 0 and chart.baseline - r.y - r.height >= -0.01 for r in bar.rects)
    assert chart.ticks[0].value == 0 and chart.ticks[0].y == chart.baseline


def test_restricted_canary_never_reaches_lower_clearances(kb):
    """The RESTRICTED audit counts nowhere below RESTRICTED: count, chart, key docs, lists."""
    high = kb.tag_page("loe", "resource-management", Marking.RESTRICTED)
    assert CANARY_ID in [d.id for d in high.key_documents]
    assert ("2023", "report") in chart_counts(high.chart)
    for clearance in (Marking.PUBLIC, Marking.INTERNAL):
        page = kb.tag_page("loe", "resource-management", clearance)
        assert page.count == (high.count - 1 if clearance == Marking.INTERNAL else 0)
        assert CANARY_ID not in [d.id for d in page.key_documents]
        assert ("2023", "report") not in chart_counts(page.chart)
        dump = json.dumps([page.__repr__(), repr(kb.reading_lists(clearance)),
                           repr(kb.home(clearance))])
        assert CANARY_WORD not in dump.lower() and CANARY_ID not in dump
    assert kb.tag_page("loe", "resource-management", Marking.PUBLIC).count == 0


def test_key_documents_come_strongest_first_with_a_tagged_line_from_their_text(kb):
    page = kb.tag_page("loe", "defense-capability", Marking.RESTRICTED)
    scores = [d.score for d in page.key_documents]
    assert scores == sorted(scores, reverse=True) and len(scores) == page.count
    for d in page.key_documents:
        view = kb.document(d.id, Marking.RESTRICTED)
        passage = next(p for p in view.passages if p.id == d.line.passage_id)
        assert " ".join(passage.text.split()).count(d.line.text) == 1
        assert "defense-capability" in passage.loe and d.line.anchor == passage.anchor
        assert "fictional sample" not in d.line.text.lower()


def test_tagged_line_skips_headings_and_datelines(kb):
    """The PDF starts with a title and a dateline; the line is the first real sentence."""
    page = kb.tag_page("loe", "defense-capability", Marking.RESTRICTED)
    line = next(d.line.text for d in page.key_documents if d.id == "cyber-briefing-note-2020.pdf")
    assert line.startswith("Units completed a cyber defense exercise")


def test_decisions_come_from_tagged_minutes(kb):
    decision = FIXTURES["logistics-working-group-minutes.md"]["decision"]
    page = kb.tag_page("loe", "resource-management", Marking.INTERNAL)
    assert [(d.text, d.doc_id) for d in page.decisions] == [
        (decision, "logistics-working-group-minutes.md")]
    assert kb.tag_page("loe", "resource-management", Marking.PUBLIC).decisions == ()
    assert kb.tag_page("loe", "sector-reform", Marking.RESTRICTED).decisions == (), \
        "a decision counts only for tags its document carries"


def test_co_tags_count_shared_documents(kb):
    page = kb.tag_page("loe", "resource-management", Marking.RESTRICTED)
    assert {(c.group, c.id): c.count for c in page.co_tags} == {
        ("principle", "senior-engagement"): 1, ("principle", "effective-assistance"): 1}
    assert [c.count for c in page.co_tags] == sorted((c.count for c in page.co_tags), reverse=True)


@pytest.mark.parametrize("group, tag", [("loe", "nope"), ("principle", "sector-reform"),
                                        ("type", "minutes")])
def test_unknown_tag_page_is_not_found(kb, group, tag):
    with pytest.raises(NotFound):
        kb.tag_page(group, tag, Marking.RESTRICTED)


# --- home and reading lists -------------------------------------------------------------------


@pytest.mark.parametrize("clearance", list(Marking))
def test_home_cards_count_visible_tagged_documents_and_trend_sums_to_them(kb, taxonomy, clearance):
    home = kb.home(clearance)
    assert home.total == len(visible_facts(clearance))
    for group in TAG_GROUPS:
        cards = getattr(home, group)
        assert [c.id for c in cards] == [t.id for t in taxonomy.group(group)]
        for card in cards:
            assert card.count == len(tagged_ids(kb, group, card.id, clearance))
            assert sum(b.count for b in card.trend.bars) == card.count
    dates = [d.date for d in home.recent]
    assert dates == sorted(dates, reverse=True)
    assert all(Marking[d.marking] <= clearance for d in home.recent)


def test_reading_list_puts_strongest_first_then_recent_agreements_and_minutes(kb):
    lists = {rl.id: rl for rl in kb.reading_lists(Marking.RESTRICTED)}
    assert list(lists) == ["defense-capability", "sector-reform", "resource-management",
                           "technology-cooperation"]
    rm = lists["resource-management"]
    assert [i.id for i in rm.central] == [CANARY_ID, "logistics-working-group-minutes.md"]
    low = kb.reading_lists(Marking.INTERNAL, "resource-management")
    assert [i.id for i in low[0].central] == ["logistics-working-group-minutes.md"]
    items = [i for rl in lists.values() for i in rl.central + rl.agreements + rl.minutes]
    assert all(i.line is None or len(i.line.text.split()) >= 8 for i in items)


def test_reading_list_for_an_unknown_line_of_effort_is_a_query_error(kb):
    with pytest.raises(QueryError, match="line of effort"):
        kb.reading_lists(Marking.RESTRICTED, "senior-engagement")


# --- document page: evidence marked in place ---------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_every_evidence_link_points_at_a_mark_holding_its_sentence(client, name):
    """Each tag's evidence opens a <mark> on the same page whose text is that sentence."""
    page = soup_of(client.get(f"/documents/{name}"))
    links = page.select("a[data-evidence-link]")
    assert links or not page.select("[data-evidence]")
    for link in links:
        mark = page.select_one(f"mark#{link['data-evidence-link']}")
        assert link["href"] == f"#{mark['id']}"
        assert link.get_text(strip=True).strip("“”") in mark.get_text()
        assert mark.find_parent(class_="passage")


def test_document_json_evidence_is_in_its_passage_with_an_anchor(client):
    data = client.get("/api/documents/logistics-working-group-minutes.md").get_json()
    passages = {p["id"]: p for p in data["passages"]}
    for tag in data["loe"] + data["principle"]:
        for e in tag["evidence"]:
            assert e["text"] in passages[e["passage_id"]]["text"]
            assert e["anchor"].startswith("ev-")
    assert {"id", "path", "title", "date", "type", "lang", "marking", "orgs", "amounts",
            "summary", "loe", "principle", "passages", "similar"} <= set(data)


def test_summary_skips_bylines_and_headings(kb):
    view = kb.document("cyber-briefing-note-2020.pdf", Marking.RESTRICTED)
    assert view.summary and not any(s.startswith("Briefing Note") for s in view.summary)


# --- the pages and JSON ------------------------------------------------------------------------


def test_loe_page_shows_definition_count_chart_key_documents_and_decisions(client, taxonomy):
    resp = client.get("/loe/resource-management")
    assert resp.status_code == 200
    page = soup_of(resp)
    tag = next(t for t in taxonomy.loe if t.id == "resource-management")
    assert page.select_one("[data-definition]").get_text(strip=True) == tag.definition
    count = int(page.select_one("[data-count]")["data-count"])
    rects = page.select("[data-chart] rect[data-count]")
    assert sum(int(r["data-count"]) for r in rects) == count
    keys = [li["data-key-document"] for li in page.select("[data-key-document]")]
    assert keys[0] == CANARY_ID and len(keys) == count
    assert page.select("[data-decision]") and page.select("[data-co-tag] a[href^='/principle/']")
    assert page.select_one("[data-search]")["href"] == "/search?loe=resource-management"


def test_principle_page_uses_the_same_template(client):
    page = soup_of(client.get("/principle/senior-engagement"))
    assert page.select_one("[data-tag-page]")["data-group"] == "principle"
    assert not page.select("[data-reading-list]")


@pytest.mark.parametrize("path", ["/loe/nope", "/principle/nope", "/loe/senior-engagement",
                                  "/api/loe/nope", "/api/principle/sector-reform"])
def test_unknown_tag_pages_are_404(client, path):
    assert client.get(path).status_code == 404


def test_tag_page_json_equals_the_page_data(client, kb):
    data = client.get("/api/loe/resource-management").get_json()
    page = kb.tag_page("loe", "resource-management", Marking.RESTRICTED)
    assert data["count"] == page.count and data["id"] == "resource-management"
    assert [d["id"] for d in data["key_documents"]] == [d.id for d in page.key_documents]
    assert sum(r["count"] for b in data["chart"]["bars"] for r in b["rects"]) == page.count


def test_home_page_cards_link_to_tag_pages_and_searches(client, taxonomy):
    page = soup_of(client.get("/"))
    for group in TAG_GROUPS:
        cards = page.select(f'.card[data-facet="{group}"]')
        assert [c["data-value"] for c in cards] == [t.id for t in taxonomy.group(group)]
        for card in cards:
            assert card.select_one("a[data-tag-link]")["href"] == f"/{group}/{card['data-value']}"
            count = int(card.select_one("[data-count]")["data-count"])
            trend = card.select("[data-trend] rect[data-year-count]")
            assert sum(int(r["data-year-count"]) for r in trend) == count
    assert page.select(".recent [data-hit]") and page.select_one("form[role=search] input#q")


def test_reading_list_page_is_printable_and_json_matches(client):
    resp = client.get("/reading-list")
    page = soup_of(resp)
    assert [s["data-loe"] for s in page.select("[data-loe]")] == [
        "defense-capability", "sector-reform", "resource-management", "technology-cooperation"]
    assert page.select_one("button[data-print]").has_attr("hidden"), "shown by JS only"
    one = soup_of(client.get("/reading-list?loe=resource-management"))
    assert [s["data-loe"] for s in one.select("[data-loe]")] == ["resource-management"]
    data = client.get("/api/reading-list?loe=resource-management").get_json()
    assert [i["id"] for i in data[0]["central"]] == [
        li["data-reading-item"] for li in one.select('[data-reading-section="central"] li')]
    assert client.get("/reading-list?loe=nope").status_code == 400


# --- XSS: markup in titles, text and file names renders inert -----------------------------------


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory, taxonomy):
    """An app over a tiny corpus whose titles, texts and file names carry markup."""
    corpus = tmp_path_factory.mktemp("xss-corpus")
    body = (f"The ministry agreed on procurement reform and audit {XSS_SCRIPT} and {XSS_IMG}. "
            "See [the plan](javascript:alert(1)) and <a href=\"javascript:alert(2)\">this</a>. "
            "The Defence Audit Board (DAB) oversees the budgeting and acquisition processes.")
    (corpus / f"{XSS_IMG}.md").write_text(
        f"---\ntitle: \"Plan {XSS_SCRIPT}\"\ndate: 2020-01-01\ntype: reform-plan\n"
        f"marking: PUBLIC\n---\n\n# Plan\n\n{body}\n\n<script>alert(3)</script>\n", encoding="utf-8")
    (corpus / "page.html").write_text(
        f"<html><head><title>Page {XSS_IMG}</title><script>alert(4)</script></head><body>"
        f"<h1>Audit {XSS_SCRIPT.replace('<', '&lt;')}</h1><p>{body}</p>"
        f"<p onclick=\"alert(5)\">Budgeting and procurement of spare parts were reviewed "
        f"by the auditors in detail.</p></body></html>", encoding="utf-8")
    (corpus / "note.txt").write_text(f"Note {XSS_SCRIPT}\n\n{body}\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("xss-index")
    report = build_index(corpus, index, taxonomy)
    assert not report.failed and report.indexed == 3
    return create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus),
                       "DATA_DIR": str(tmp_path_factory.mktemp("xss-data"))})


def assert_inert(html: str) -> None:
    """No <script> element except our own src= file, no on* attribute, no javascript: URL."""
    page = BeautifulSoup(html, "html.parser")
    assert [s.get("src") for s in page.find_all("script")] == ["/static/app.js"]
    for el in page.find_all(True):
        assert not [a for a in el.attrs if a.lower().startswith("on")], el
        for attr in ("href", "src", "action"):
            assert not str(el.get(attr, "")).strip().lower().startswith("javascript:"), el
    assert not page.find("img")


def test_markup_in_documents_renders_as_text_on_every_page(xss_app):
    client = xss_app.test_client()
    with xss_app.app_context():
        kb: KnowledgeBase = xss_app.extensions["kb"]
        docs = [h.id for h in kb.search(_browse(xss_app), Marking.RESTRICTED).hits]
    assert len(docs) == 3
    pages = ["/", "/search?q=procurement", "/search?q=alert", "/glossary", "/reading-list",
             "/loe/resource-management", "/loe/sector-reform"] + [f"/documents/{d}" for d in docs]
    for path in pages:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert_inert(resp.get_data(as_text=True))
    text = soup_of(client.get(f"/documents/{docs[0]}")).get_text()
    assert "<script>" in text or "<img" in text, "the markup is shown, as text"


def test_markup_in_documents_is_plain_text_in_json(xss_app):
    client = xss_app.test_client()
    hits = client.get("/api/search?q=procurement").get_json()["hits"]
    assert any(XSS_IMG in h["path"] for h in hits)
    for h in hits:
        for s in h["snippets"]:
            assert "<script" not in s["html"] and "<img" not in s["html"]
        data = client.get(f"/api/documents/{h['id']}")
        assert data.is_json and data.headers["X-Content-Type-Options"] == "nosniff"
        assert data.get_json()["id"] == h["id"]
    with client.get(f"/documents/{hits[0]['id']}/download") as download:
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.mimetype == "application/octet-stream"


def _browse(app):
    from search.query import SearchRequest
    return SearchRequest.from_args({}, app.extensions["taxonomy"])


# --- quality on the real eval-dev documents (HTML pages carry navigation and footer noise) -----

NOISE = ("skip to", "official website", "cookie", "subscribe", "share this", "privacy",
         "back to top", "sign up", "follow us", "all rights reserved", "https://", "©")


@pytest.fixture(scope="module")
def eval_kb(tmp_path_factory, taxonomy) -> KnowledgeBase:
    """A KnowledgeBase over ../shared/eval-dev/corpus (skipped when it is not there)."""
    from tests.conftest import EVAL_DEV, require_shared
    corpus = EVAL_DEV / "corpus"
    require_shared(corpus)
    index = tmp_path_factory.mktemp("eval-index")
    build_index(corpus, index, taxonomy)
    return KnowledgeBase(index, taxonomy)


def test_tagged_lines_on_real_documents_are_sentences_from_their_text(eval_kb, taxonomy):
    lines = []
    for group in TAG_GROUPS:
        for tag in taxonomy.group(group):
            page = eval_kb.tag_page(group, tag.id, Marking.RESTRICTED)
            lines += [(d.id, d.line.text) for d in page.key_documents if d.line]
    lines += [(d.id, d.line) for d in eval_kb.home(Marking.RESTRICTED).recent if d.line]
    assert len(lines) > 40
    for doc_id, line in lines:
        text = " ".join(" ".join(p.text.split()) for p in
                        eval_kb.document(doc_id, Marking.RESTRICTED).passages)
        assert line in text, (doc_id, line)
        assert not any(n in line.lower() for n in NOISE), (doc_id, line)
        first = next(ch for ch in line if ch.isalpha())
        assert not first.islower() and len(line.split()) >= 8, (doc_id, line)
