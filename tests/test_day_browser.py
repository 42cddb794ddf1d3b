"""The reviewer's and the staff member's day in a real browser, at desk and phone sizes."""
from __future__ import annotations

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
def day_page(request, browser, day_url, tmp_path):
    context = browser.new_context(base_url=day_url, viewport=SIZES[request.param])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.size_name = request.param
    yield page
    page.screenshot(path=str(tmp_path / f"{request.node.name}.png"), full_page=True)
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
