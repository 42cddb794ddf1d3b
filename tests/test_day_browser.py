"""The reviewer's and the staff member's day in a real browser, at desk and phone sizes."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import served
from tests.day_corpus import day_app

pytestmark = pytest.mark.browser

SIZES = {"desk": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def day_url(tmp_path_factory, taxonomy):
    app = day_app(tmp_path_factory.mktemp("day-browser"), taxonomy)
    with served(app) as url:
        yield url


@pytest.fixture(params=sorted(SIZES))
def day_page(request, browser, day_url, tmp_path_factory):
    context = browser.new_context(base_url=day_url, viewport=SIZES[request.param])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.size_name = request.param
    yield page
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not [e for e in errors if "404" not in e and "400" not in e], errors


def test_date_filters_say_how_many_undated_documents_they_hide(day_page):
    page = day_page
    page.goto("/search?q=fuel&from=2019")
    note = page.locator("[data-undated]")
    assert note.is_visible() and "1 undated document not shown" in note.inner_text()
    before = page.locator(".hits > li").count()
    page.locator("[data-undated-link]").click()
    page.wait_for_url("**undated=1*")
    assert page.locator(".hits > li").count() == before + 1


def test_a_reversed_date_range_tells_the_reader_to_swap_the_dates(day_page):
    page = day_page
    page.goto("/search?q=fuel&from=2021&to=2019")
    assert "swap the dates" in page.locator("main").inner_text()


def test_the_ledger_answers_a_keyword_question_and_fits_a_phone(day_page):
    page = day_page
    page.goto("/commitments")
    page.fill("#ledger-q", "commitments on end-use monitoring")
    page.locator("#ledger-form button[type=submit]").click()
    page.wait_for_url("**q=commitments*")
    rows = page.locator("[data-row]")
    assert rows.count() == 2
    assert page.locator("[data-chip]").first.inner_text().startswith("Keywords")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1          # nothing scrolls sideways
    first = rows.first
    for cell in ("Date", "Actor"):
        box = first.locator(f'td[data-label="{cell}"]').bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= page.viewport_size["width"] + 1
    if page.size_name == "phone":
        assert page.locator("table.ledger thead").bounding_box()["height"] <= 1
    assert page.locator("[data-past-due-flag]").count() == 1


def test_ledger_columns_sort_by_clicking_their_headers(day_page):
    page = day_page
    page.goto("/commitments")
    link = page.locator('[data-sort="date"]') if page.size_name == "desk" else \
        page.locator('[data-sort-link="date"]')
    link.click()
    page.wait_for_url("**sort=-date*")
    dates = [c.inner_text() for c in page.locator('[data-row] td[data-label="Date"]').all()]
    assert dates == sorted(dates, reverse=True)


@pytest.fixture(params=sorted(SIZES))
def sized_page(request, browser, server):
    """A page of the tests/corpus app at desk or phone size."""
    context = browser.new_context(base_url=server, viewport=SIZES[request.param],
                                  accept_downloads=True)
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()


def test_brief_downloads_follow_the_form_without_making_the_brief_again(sized_page):
    page = sized_page
    page.goto("/brief")
    assert page.locator("[data-brief-section]").count() > 1
    for box in page.locator('#brief-form input[name="loe"]').all():
        box.uncheck()
    page.check('#brief-form input[value="resource-management"]')
    make = page.locator("#brief-make")
    download_button = page.locator('[data-download="md"]')
    style = "e => getComputedStyle(e).backgroundColor"
    assert make.evaluate(style) != download_button.evaluate(style)   # they look distinct
    with page.expect_download() as download:
        download_button.click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "## Requirements and resource management" in text
    assert text.count("\n## ") == 1


def test_precedents_page_through_documents_and_jump_to_the_results(day_page):
    page = day_page
    page.goto("/precedents")
    page.fill("#precedent-q", "boots")
    page.locator("#precedent-form button[type=submit]").click()
    page.wait_for_url("**q=boots*")
    assert page.url.endswith("#precedent-results")
    head = page.locator("#precedent-results").bounding_box()
    assert 0 <= head["y"] < page.viewport_size["height"]       # the results are on screen
    ids = [e.get_attribute("data-id") for e in page.locator("[data-precedent]").all()]
    assert len(ids) == len(set(ids)) == 2
    assert "2 more passages" in page.locator("[data-more]").inner_text()
    page.goto("/precedents?q=depots&limit=1")
    first = page.locator("[data-precedent]").get_attribute("data-id")
    page.locator('a[rel="next"]').click()
    page.wait_for_url("**page=2*")
    assert page.locator("[data-precedent]").get_attribute("data-id") != first


def test_a_facet_toggle_gives_keyboard_focus_back_to_the_toggled_control(sized_page):
    page = sized_page
    page.goto("/search?q=defense")
    if page.size_name == "phone":                  # the filter panel starts folded
        page.locator(".facets__summary").click()
    box = page.locator(".facet__value input[name=type]").first
    value = box.get_attribute("value")
    box.focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    page.wait_for_load_state()
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["type", value]


def test_the_lines_of_effort_menu_opens_a_page_and_the_chart_counts_documents(sized_page):
    page = sized_page
    page.goto("/search")
    page.locator(".site-nav").get_by_role("link", name="Lines of effort").click()
    page.wait_for_url("**/loe")
    assert page.locator("h1").inner_text() == "Lines of effort and principles"
    assert page.locator('[data-facet="loe"] [data-tag-link]').count() == 4
    page.locator('[data-facet="loe"] [data-tag-link]').first.click()
    page.wait_for_url("**/loe/*")
    title = page.locator("[data-chart] svg title").first.text_content()
    total = sum(int(g.get_attribute("data-year-total"))
                for g in page.locator("[data-chart] g[data-year]").all())
    assert f": {total} document" in title and "years)" not in title


def test_readers_see_no_raw_scores(sized_page):
    page = sized_page
    page.goto("/documents/logistics-working-group-minutes.md")
    assert "score " not in page.locator("main").inner_text().lower()


def test_on_a_phone_the_menu_and_banner_leave_the_first_screen_to_the_page(sized_page):
    page = sized_page
    page.goto("/commitments")
    header = page.locator(".site-header").bounding_box()
    used = header["y"] + header["height"]
    limit = 0.2 if page.size_name == "phone" else 0.15
    assert used <= limit * page.viewport_size["height"], used
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
