"""User story in a real browser (Debian's Chromium): an editor signs in, uploads a file, and
finds it by search a moment later; a reader below its marking does not.

The session's `browser` fixture (one Chromium) lives in conftest.py.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import create_app
from indexer.build import build_index
from tests.access_helpers import PASSWORD, add_users
from tests.conftest import TEST_CORPUS, served

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots7")
WORD = "ornithopterix"
TEXT = (f"# Ornithopter spares review\n\nThe {WORD} spare parts were counted at the depot "
        "and the procurement office reconciled the stock.\n")


@pytest.fixture
def team_server(tmp_path, taxonomy):
    """The real app in team mode over a writable corpus copy, served from a thread."""
    corpus = tmp_path / "corpus"
    shutil.copytree(TEST_CORPUS, corpus, ignore=shutil.ignore_patterns("broken.pdf"))
    build_index(corpus, tmp_path / "index", taxonomy)
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"),
                      "CORPUS_DIR": str(corpus), "DATA_DIR": str(tmp_path / "data")})
    add_users(app)
    with served(app) as url:
        yield url
    app.extensions["index_queue"].wait_idle(60)


def signed_in_page(browser, base: str, name: str):
    """Return (context, page) of a user signed in through the login form."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/uploads")
    page.wait_for_url(lambda url: "/login" in url)
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    page.errors = errors
    return context, page


def test_editor_uploads_a_file_and_finds_it_by_search(browser, team_server):
    context, page = signed_in_page(browser, team_server, "editor")
    try:
        assert page.url.endswith("/uploads")
        page.set_input_files("#upload-files", files=[
            {"name": "spares-review.md", "mimeType": "text/markdown", "buffer": TEXT.encode()}])
        page.select_option("#upload-marking", "INTERNAL")
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector('tr[data-status="indexed"]', timeout=60_000)
        assert page.locator("[data-upload-link]").inner_text() == "spares-review.md"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "uploads.png"), full_page=True)
        page.goto(f"/search?q={WORD}")
        hits = page.locator("[data-hit]")
        assert hits.count() == 1
        hits.first.locator("a").first.click()
        page.wait_for_url("**/documents/uploads--*")
        assert "spares-review.md" in page.locator("[data-original-name]").inner_text()
        assert page.errors == []
    finally:
        context.close()
    reader, rpage = signed_in_page(browser, team_server, "pub")
    try:
        rpage.goto(f"/search?q={WORD}")
        assert rpage.locator("[data-hit]").count() == 0
    finally:
        reader.close()


def test_files_can_be_dropped_onto_the_upload_form(browser, team_server):
    context, page = signed_in_page(browser, team_server, "editor")
    try:
        handle = page.evaluate_handle("""text => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], "dropped.txt", {type: "text/plain"}));
            return dt;
        }""", "Dropped note about sustainment audits and logistics.")
        page.dispatch_event("[data-dropzone]", "drop", {"dataTransfer": handle})
        assert page.evaluate("document.getElementById('upload-files').files.length") == 1
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector('tr[data-status="indexed"]', timeout=60_000)
        assert page.locator("[data-upload-link]").inner_text() == "dropped.txt"
        assert page.errors == []
    finally:
        context.close()
