"""User stories of reviewers in a real browser: the precedent finder and the brief."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from tests.test_browser import query_of, total

pytestmark = pytest.mark.browser

PARAGRAPH = ("Agenda: the regional depots still lack a common fuel accounting system and "
             "trained accountants; what did the co-chairs agree on fuel?")


def test_pasting_a_paragraph_finds_precedents_and_timeline_orders_them(page):
    page.goto("/precedents")
    page.fill("#precedent-text", PARAGRAPH)
    page.locator("#precedent-form button[type=submit]").click()
    page.wait_for_url("**/precedents?*")
    assert query_of(page.url)["text"] == [PARAGRAPH]
    first = page.locator("[data-precedent]").first
    assert first.get_attribute("data-id") == "logistics-working-group-minutes.md"
    assert total(page) >= page.locator("[data-precedent]").count() > 0

    page.locator('[data-view="timeline"]').click()
    page.wait_for_url("**view=timeline*")
    dates = [d.get_attribute("data-date") for d in page.locator("[data-precedent]").all()]
    assert dates == sorted(dates)

    with page.expect_navigation():
        page.locator("[data-passage-link]").first.click()
    assert "/documents/" in page.url and "#p-" in page.url


def test_copy_citation_puts_the_citation_on_the_clipboard(browser, server):
    context = browser.new_context(base_url=server, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(f"/precedents?q=fuel")
        button = page.locator("[data-copy-citation]").first
        assert button.is_visible()
        button.click()
        page.wait_for_selector("[data-copied=true]")
        text = page.locator("[data-citation-text]").first.inner_text().strip()
        assert page.evaluate("navigator.clipboard.readText()") == text
        assert "Minutes of the Logistics Working Group" in text and "/documents/" in text
    finally:
        context.close()


def test_without_javascript_the_citation_is_plain_selectable_text(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/precedents?q=fuel")
        assert not page.locator("[data-copy-citation]").first.is_visible()
        assert "Minutes of the Logistics Working Group" in page.locator(
            "[data-citation-text]").first.inner_text()
    finally:
        context.close()


def test_brief_for_one_line_of_effort_prints_marked_and_downloads_as_docx(page):
    page.goto("/brief")
    for box in page.locator('#brief-form input[name="loe"]').all():
        box.uncheck()
    page.check('#brief-form input[value="resource-management"]')
    page.fill('#brief-form input[name="from"]', "2017")
    page.locator("#brief-make").click()
    page.wait_for_url("**loe=resource-management*")
    assert query_of(page.url)["loe"] == ["resource-management"]
    assert page.locator("[data-brief-section]").count() == 1
    page.emulate_media(media="print")
    top = page.locator('[data-marking-banner="top"]')
    bottom = page.locator('[data-marking-banner="bottom"]')
    assert top.inner_text() == bottom.inner_text() == "RESTRICTED"
    assert top.evaluate("e => getComputedStyle(e).position") == "fixed"
    assert not page.locator("#brief-form").is_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.locator('[data-download="docx"]').click()
    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert doc.sections[0].footer.paragraphs[0].text == "RESTRICTED"
