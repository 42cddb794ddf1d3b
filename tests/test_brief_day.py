"""The brief and the statements it quotes: whole sentences, one title per citation, .docx."""
from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from docx import Document

from tests.day_corpus import day_app


@pytest.fixture(scope="module")
def day(tmp_path_factory, taxonomy):
    return day_app(tmp_path_factory.mktemp("brief"), taxonomy).test_client()


def ledger_texts(client) -> list[str]:
    soup = BeautifulSoup(client.get("/commitments").data, "html.parser")
    return [r.select_one(".ledger__text").contents[0].strip() for r in soup.select("[data-row]")]


def test_statements_are_whole_sentences_without_page_timestamps(day):
    texts = ledger_texts(day)
    assert ("The supplemental appropriations act (P.L. 101-20), which committed more than "
            "$5 billion to support the depots and other sites, was signed in April.") in texts
    assert "The co-chairs decided to merge the two repair programs." in texts
    assert not [t for t in texts if t[0].islower() or t[0].isdigit()]


def test_citations_name_the_document_once(client, day):
    soup = BeautifulSoup(client.get("/brief").data, "html.parser")
    cites = soup.select(".brief__cite a")
    assert cites
    for a in cites:
        title = a.get_text().split(",")[0]
        assert a.get_text().count(title) == 1, a.get_text()
    sources = BeautifulSoup(day.get("/commitments").data, "html.parser").select(
        '[data-row] td[data-label="Source"]')
    for cell in sources:
        title = cell.select_one("a").get_text()
        assert cell.get_text().count(title) == 1, cell.get_text()
    rows = day.get("/commitments.csv").get_data(as_text=True).splitlines()[1:]
    assert any("Appropriations note" in r for r in rows)
    assert not [r for r in rows if r.count("Appropriations note") > 1]


def test_the_docx_has_properties_links_and_each_items_marking(client):
    resp = client.get("/brief.docx?loe=resource-management")
    doc = Document(io.BytesIO(resp.data))
    assert doc.core_properties.title.startswith("Consultation brief")
    assert "as of" in doc.core_properties.subject
    links = [r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert links and all(link.startswith("http://localhost/documents/") for link in links)
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets and all(b.startswith(("(PUBLIC)", "(INTERNAL)", "(RESTRICTED)"))
                           for b in bullets)


def test_download_buttons_submit_the_form_as_it_stands(client):
    soup = BeautifulSoup(client.get("/brief?loe=resource-management").data, "html.parser")
    for kind, route in (("md", "/brief.md"), ("docx", "/brief.docx")):
        button = soup.select_one(f'[data-download="{kind}"]')
        assert button.name == "button" and button["type"] == "submit"
        assert button["formaction"] == route
        assert button.find_parent("form")["id"] == "brief-form"
