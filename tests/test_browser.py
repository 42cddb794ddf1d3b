"""User stories in a real browser: Debian's Chromium driven by Playwright, real app, real index."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
QUERY_WORD = "defense"
PAGE_SIZE = 20


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def total(page) -> int:
    return int(page.locator("[data-total]").get_attribute("data-total"))


def first_facet_value(page, facet: str):
    """Return (value, count, locator) of the first value of `facet` on the page."""
    item = page.locator(f'#facets li[data-facet="{facet}"][data-value]').first
    return (item.get_attribute("data-value"),
            int(item.locator("[data-count]").get_attribute("data-count")), item)


def test_searching_a_word_lists_hits(page):
    page.goto("/")
    page.fill("#q", QUERY_WORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?*")
    assert query_of(page.url)["q"] == [QUERY_WORD]
    hits = page.locator("[data-hit]")
    assert hits.count() > 0 and total(page) >= hits.count()
    assert page.locator("[data-snippet] mark").count() > 0


def test_facet_click_filters_back_restores_and_second_click_undoes(page):
    page.goto(f"/search?q={QUERY_WORD}")
    before = total(page)
    value, count, item = first_facet_value(page, "loe")

    item.locator("label").click()
    page.wait_for_url("**loe=*")
    assert query_of(page.url)["loe"] == [value]
    assert total(page) == count
    assert page.locator("[data-hit]").count() == min(count, PAGE_SIZE)
    assert page.locator(f'[data-chip][data-value="{value}"]').count() == 1

    page.go_back()
    page.wait_for_url(lambda url: "loe" not in query_of(url))
    assert total(page) == before
    assert not page.locator(f'li[data-facet="loe"][data-value="{value}"] input').is_checked(), \
        "a page restored from history shows that URL's state, not the box ticked before leaving"

    page.go_forward()
    page.wait_for_url("**loe=*")
    page.locator(f'li[data-facet="loe"][data-value="{value}"] label').click()
    page.wait_for_url(lambda url: "loe" not in query_of(url))
    assert total(page) == before and page.locator("[data-chip]").count() == 0


def test_removing_a_chip_undoes_its_filter(page):
    page.goto(f"/search?q={QUERY_WORD}")
    before = total(page)
    value, _, item = first_facet_value(page, "loe")
    item.locator("label").click()
    page.wait_for_url("**loe=*")
    page.locator(f'[data-chip][data-value="{value}"] a').click()
    page.wait_for_url(lambda url: "loe" not in query_of(url))
    assert total(page) == before
    assert query_of(page.url)["q"] == [QUERY_WORD]


def test_choosing_a_sort_order_reloads_sorted_and_keeps_the_filters(page):
    page.goto(f"/search?q={QUERY_WORD}")
    value, _, item = first_facet_value(page, "loe")
    item.locator("label").click()
    page.wait_for_url("**loe=*")
    page.select_option("#sort-select", "newest")
    page.wait_for_url("**sort=newest*")
    assert query_of(page.url) == {"q": [QUERY_WORD], "loe": [value], "sort": ["newest"]}
    dates = [d.get_attribute("datetime") for d in page.locator("[data-hit] time").all()]
    assert dates == sorted(dates, reverse=True)


def test_facets_work_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"/search?q={QUERY_WORD}")
        value, count, item = first_facet_value(page, "loe")
        item.locator("input[type=checkbox]").check()
        page.locator("form#facets button[type=submit]").click()
        page.wait_for_url("**loe=*")
        assert query_of(page.url)["loe"] == [value] and total(page) == count
    finally:
        context.close()


def test_snippet_link_lands_on_the_passage_of_the_document_page(page):
    page.goto(f"/search?q={QUERY_WORD}")
    link = page.locator("[data-snippet] a").first
    href = link.get_attribute("href")
    anchor = href.split("#", 1)[1]
    with page.expect_navigation() as nav:
        link.click()
    assert nav.value is not None and nav.value.status == 200
    assert page.url.endswith(href)
    assert page.locator(f"#{anchor}").is_visible()


def test_slash_focuses_the_search_box_but_not_while_typing(page):
    page.goto(f"/search?q={QUERY_WORD}")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.fill("#q", "")
    page.keyboard.type("a/b")
    assert page.input_value("#q") == "a/b"


@pytest.mark.parametrize("name, width, height", [("phone", 390, 844), ("desktop", 1366, 900)])
def test_search_page_fits_the_screen_and_screenshots(browser, server, name, width, height):
    """Screenshots land in /tmp/shots/ for a human to look at; nothing may scroll sideways."""
    context = browser.new_context(base_url=server, viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"/search?q={QUERY_WORD}")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"search-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        facets_open = page.locator("details.facets").evaluate("d => d.open")
        assert facets_open == (name == "desktop"), "phones start with filters folded"
        assert page.locator("[data-hit]").first.is_visible()
    finally:
        context.close()
