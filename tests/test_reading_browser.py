"""Reading user stories in a real browser (Debian Chromium): evidence, similar documents, tag pages.

The `browser`, `server` and `page` fixtures live in conftest.py (one Chromium per session).
"""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots5")
MINUTES = "logistics-working-group-minutes.md"


def in_viewport(page, selector: str) -> bool:
    """True when the element's box is inside the visible part of the page."""
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }")


def test_opening_a_tags_evidence_lands_on_the_highlighted_sentence(page):
    page.goto(f"/documents/{MINUTES}")
    tag = page.locator('details[data-tag="resource-management"]')
    tag.locator("summary").click()
    link = tag.locator("a[data-evidence-link]").last
    sentence = link.inner_text().strip("“”")
    link.click()
    page.wait_for_url(f"**#{link.get_attribute('data-evidence-link')}")
    target = page.locator("mark:target")
    assert target.count() == 1 and sentence in target.inner_text()
    assert in_viewport(page, "mark:target")
    background = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the sentence is highlighted"


def test_following_a_similar_document_opens_it(page):
    page.goto(f"/documents/{MINUTES}")
    link = page.locator("[data-similar] a").first
    title, href = link.inner_text(), link.get_attribute("href")
    with page.expect_navigation() as nav:
        link.click()
    assert nav.value is not None and nav.value.status == 200
    assert page.url.endswith(href) and page.locator("h1").inner_text() == title


def test_home_card_opens_the_line_of_effort_page_with_its_chart(page):
    page.goto("/")
    card = page.locator('.card[data-value="resource-management"]')
    count = int(card.locator("[data-count]").get_attribute("data-count"))
    card.locator("a[data-tag-link]").click()
    page.wait_for_url("**/loe/resource-management")
    assert page.locator("[data-chart] svg").is_visible()
    drawn = [int(x) for x in page.locator("[data-chart] rect[data-count]").evaluate_all(
        "els => els.map(e => e.getAttribute('data-count'))")]
    assert sum(drawn) == count
    page.locator("[data-key-document] a").first.click()
    page.wait_for_url("**/documents/**")


@pytest.mark.parametrize("name, width, height", [("phone", 390, 844), ("desktop", 1366, 900)])
@pytest.mark.parametrize("path", ["/", "/loe/resource-management", "/reading-list",
                                  f"/documents/{MINUTES}"])
def test_reading_pages_fit_the_screen_and_screenshots(browser, server, path, name, width,
                                                      height):
    """Screenshots land in /tmp/shots5/ for a human to look at; nothing may scroll sideways."""
    context = browser.new_context(base_url=server, viewport={"width": width, "height": height})
    tab = context.new_page()
    try:
        tab.goto(path)
        SHOTS.mkdir(parents=True, exist_ok=True)
        slug = path.strip("/").replace("/", "_") or "home"
        tab.screenshot(path=str(SHOTS / f"test-{slug}-{name}.png"), full_page=True)
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
