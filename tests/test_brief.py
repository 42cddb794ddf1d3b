"""The consultation brief and the commitments ledger: contents, markings, downloads."""
from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from docx import Document

from indexer.records import Marking
from search.brief_export import brief_docx, brief_markdown
from search.requests import BriefRequest, LedgerRequest
from tests.corpus_facts import CANARY_FILE, FIXTURES

TODAY = "2026-01-01"
MINUTES = FIXTURES["logistics-working-group-minutes.md"]
# Every commitment in tests/corpus, read off the fixture texts: a party undertaking to act.
# ("Better requirements planning will help..." and "The MJC secretariat will receive a copy."
# are not: a thing helps, and nobody undertakes anything.)
EXPECTED_COMMITMENTS = {
    MINUTES["commitment"],
    "The co-chairs will report progress to the senior-level Interim Progress Review and the "
    "next annual consultations.",
    "Ukraine will co-fund each joint project with its own investment and shares responsibility "
    "for the results.",
    "Сторони підтверджують багаторічні зобов’язання щодо підтримки оборони України та "
    "посилення цивільного контролю.",
    "Сторони підтверджують довгострокове стратегічне партнерство і багаторічні зобов’язання "
    "щодо підтримки України.",
}


def _brief(kb, taxonomy, clearance, **args):
    req = BriefRequest.from_args({k: v if isinstance(v, list) else [v] for k, v in args.items()},
                                 taxonomy, TODAY)
    return kb.brief(req, clearance)


def _commitments(brief):
    return {i.row.text for s in brief.sections for i in s.commitments}


def test_brief_over_every_tag_holds_exactly_the_corpus_commitments(kb, taxonomy):
    brief = _brief(kb, taxonomy, Marking.RESTRICTED,
                   loe=[t.id for t in taxonomy.loe], principle=[t.id for t in taxonomy.principle])
    assert _commitments(brief) == EXPECTED_COMMITMENTS


def test_brief_for_a_line_of_effort_and_period(kb, taxonomy):
    brief = _brief(kb, taxonomy, Marking.RESTRICTED, loe="resource-management",
                   **{"from": "2017", "to": "2017-12"})
    (section,) = brief.sections
    assert [i.row.text for i in section.decisions] == [MINUTES["decision"]]
    assert [i.row.text for i in section.commitments] == [MINUTES["commitment"]]
    assert [(i.row.text, i.row.due, i.is_overdue) for i in section.actions] == [
        (MINUTES["action"], "31 March 2018", False)]          # due after the period's end
    assert [i.row.amount for i in section.figures] == ["$125 million"]
    assert [d.id for d in section.documents] == ["logistics-working-group-minutes.md"]
    assert section.decisions[0].row.citation.url.startswith(
        "/documents/logistics-working-group-minutes.md#p-")
    assert brief.marking is Marking.INTERNAL


@pytest.mark.parametrize("clearance, marking", [
    (Marking.PUBLIC, Marking.PUBLIC), (Marking.INTERNAL, Marking.INTERNAL),
    (Marking.RESTRICTED, Marking.RESTRICTED)])
def test_brief_marking_is_the_highest_of_what_it_includes(kb, taxonomy, clearance, marking):
    """The canary (RESTRICTED, resource management) is only in a RESTRICTED viewer's brief."""
    brief = _brief(kb, taxonomy, clearance, loe="resource-management")
    docs = {d.id for s in brief.sections for d in s.documents}
    assert brief.marking is marking
    assert (CANARY_FILE.name in docs) is (clearance is Marking.RESTRICTED)
    included = [i.row.marking for s in brief.sections
                for i in s.decisions + s.commitments + s.actions + s.figures]
    assert all(Marking[m] <= clearance for m in included)


def test_docx_opens_and_carries_the_marking_in_header_and_footer(kb, taxonomy):
    brief = _brief(kb, taxonomy, Marking.INTERNAL, loe="resource-management")
    doc = Document(io.BytesIO(brief_docx(brief)))
    section = doc.sections[0]
    assert (section.header.paragraphs[0].text, section.footer.paragraphs[0].text) == (
        "INTERNAL", "INTERNAL")
    body = "\n".join(p.text for p in doc.paragraphs)
    assert MINUTES["commitment"] in body and "Documents to read" in body


def test_docx_download_from_the_app(client):
    resp = client.get("/brief.docx?loe=resource-management")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == 'attachment; filename="brief.docx"'
    doc = Document(io.BytesIO(resp.data))
    assert doc.sections[0].header.paragraphs[0].text == "RESTRICTED"      # local mode: full access


def test_markdown_download_has_the_marking_first_and_last(client):
    resp = client.get("/brief.md?loe=resource-management&from=2017&to=2017")
    lines = [line for line in resp.get_data(as_text=True).splitlines() if line.strip()]
    assert resp.headers["Content-Disposition"] == 'attachment; filename="brief.md"'
    assert resp.mimetype == "text/markdown"
    assert lines[0] == lines[-1] == "**INTERNAL**"
    assert any(MINUTES["commitment"] in line for line in lines)


def test_markdown_of_an_empty_brief_says_so(kb, taxonomy):
    brief = _brief(kb, taxonomy, Marking.RESTRICTED, loe="technology-cooperation", to="2010")
    text = brief_markdown(brief)
    assert brief.is_empty and "Nothing was found" in text and text.startswith("**PUBLIC**")


def test_brief_page_repeats_the_marking_at_top_and_bottom(client):
    soup = BeautifulSoup(client.get("/brief?loe=resource-management").data, "html.parser")
    banners = [(b["data-marking-banner"], b.text.strip()) for b in soup.select("[data-marking-banner]")]
    assert banners == [("top", "RESTRICTED"), ("bottom", "RESTRICTED")]
    assert [s["data-brief-section"] for s in soup.select("[data-brief-section]")] == [
        "resource-management"]


def test_ledger_lists_every_commitment_and_decision(kb):
    ledger = kb.ledger(LedgerRequest(), Marking.RESTRICTED)
    assert {r.text for r in ledger.rows if r.kind == "commitment"} == EXPECTED_COMMITMENTS
    assert {r.text for r in ledger.rows if r.kind == "decision"} == {MINUTES["decision"]}
    assert [r.date for r in ledger.rows] == sorted(r.date for r in ledger.rows)


@pytest.mark.parametrize("clearance", [Marking.PUBLIC, Marking.INTERNAL])
def test_ledger_shows_nothing_above_the_viewer(kb, clearance):
    ledger = kb.ledger(LedgerRequest(), clearance)
    assert all(Marking[r.marking] <= clearance for r in ledger.rows)
    assert CANARY_FILE.name not in {r.doc_id for r in ledger.rows}
    assert ledger.marking <= clearance


def test_ledger_filters_by_actor_and_kind(kb, taxonomy):
    req = LedgerRequest.from_args({"actor": ["Ukraine / MoD"], "kind": ["commitment"]}, taxonomy)
    rows = kb.ledger(req, Marking.RESTRICTED).rows
    assert {(r.kind, r.actor) for r in rows} == {("commitment", "Ukraine / MoD")} and len(rows) == 2


def test_csv_export_is_an_attachment_with_one_row_per_statement(client):
    resp = client.get("/commitments.csv?kind=decision")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="commitments.csv"'
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [(r["kind"], r["statement"], r["document"]) for r in rows] == [
        ("decision", MINUTES["decision"], "logistics-working-group-minutes.md")]
    assert rows[0]["link"].startswith("http://localhost/documents/logistics-working-group-minutes.md#p-")


def test_commitments_page_shows_each_statement_once_with_its_lines_of_effort(client):
    soup = BeautifulSoup(client.get("/commitments").data, "html.parser")
    tags = {t["data-tag"] for t in soup.select("[data-row] [data-tag]")}
    assert "resource-management" in tags
    assert soup.select_one("[data-csv]")["href"].startswith("/commitments.csv")


@pytest.mark.parametrize("query, message", [
    ("actor=Mars", "unknown actor 'Mars'"),
    ("kind=figure", "unknown ledger kind 'figure'"),
    ("from=2020&to=2019", "before it starts"),
])
def test_ledger_bad_requests_say_what_to_fix(client, query, message):
    resp = client.get(f"/commitments?{query}")
    text = BeautifulSoup(resp.data, "html.parser").get_text()
    assert resp.status_code == 400 and message in text
