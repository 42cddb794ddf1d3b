"""Shared fixtures: one real index of tests/corpus, built once per session and read-only.

Tests that read ../shared (the eval documents, real-world PDF/DOCX fixtures) carry
`@needs_shared(path, ...)`: they skip, with the reason, when it is missing (a fresh clone),
and fail when CI=true (CI must run them). `make test` leaves out `slow` and `browser`
tests; `make test-all` (what .ci/run runs) runs everything.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from app import create_app
from indexer.build import build_index
from indexer.records import BuildReport, Taxonomy
from indexer.taxonomy import default_taxonomy_path, load_taxonomy
from search.kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
TEST_CORPUS = ROOT / "tests" / "corpus"
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
EVAL_DEV = SHARED / "eval-dev"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def needs_shared(*paths: Path) -> pytest.MarkDecorator:
    """Mark a test that reads `paths` under ../shared (default: the folder itself)."""
    return pytest.mark.shared(*(paths or (SHARED,)))


def shared_missing(paths) -> str | None:
    """Return why a test needing `paths` cannot run here, or None."""
    gone = [p for p in paths if not Path(p).exists()]
    if not gone:
        return None
    return (f"needs ../shared, missing here: {', '.join(str(p) for p in gone[:2])} "
            f"(check out the shared data folder beside the project)")


def pytest_runtest_setup(item) -> None:
    for mark in item.iter_markers("shared"):
        reason = shared_missing(mark.args)
        if reason:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI=true but {reason}", pytrace=False)
            pytest.skip(reason)


def require_shared(*paths: Path) -> None:
    """The same check inside a fixture (skip, or fail under CI=true)."""
    reason = shared_missing(paths or (SHARED,))
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    """The default taxonomy shipped with the project."""
    return load_taxonomy(default_taxonomy_path())


@pytest.fixture(scope="session")
def built(tmp_path_factory, taxonomy) -> tuple[Path, BuildReport]:
    """The tests/corpus index, built once by the real indexer, and its report."""
    path = tmp_path_factory.mktemp("index")
    report = build_index(TEST_CORPUS, path, taxonomy)
    return path, report


@pytest.fixture(scope="session")
def index_dir(built) -> Path:
    """The folder of the session's read-only index."""
    return built[0]


@pytest.fixture(scope="session")
def kb(index_dir, taxonomy) -> KnowledgeBase:
    """A KnowledgeBase over the session index."""
    return KnowledgeBase(index_dir, taxonomy)


@pytest.fixture
def app(index_dir, tmp_path):
    """The real Flask app over the session index."""
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                       "CORPUS_DIR": str(TEST_CORPUS), "DATA_DIR": str(tmp_path)})


@pytest.fixture
def client(app):
    """A test client of the real app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the real app."""
    return app.test_cli_runner()


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of tests/corpus (for tests that change files)."""
    dest = tmp_path / "corpus"
    shutil.copytree(TEST_CORPUS, dest, ignore=shutil.ignore_patterns("broken.pdf"))
    return dest


# --- browser tests: one Chromium per session, shared by every browser test module ---------


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; a missing binary fails in CI and skips, loudly, elsewhere."""
    if not CHROMIUM.exists():
        reason = (f"!!! BROWSER TESTS NOT RUN: {CHROMIUM} is missing. "
                  "Install Debian's package: apt-get install chromium (never `playwright install`)")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """Serve `app` on a free loopback port from a thread; yield its base URL."""
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def server(app):
    """The real app served on a free loopback port from a thread; yields its base URL."""
    with served(app) as url:
        yield url


@pytest.fixture
def page(browser, server):
    """A fresh page whose console errors (e.g. CSP violations) fail the test."""
    context = browser.new_context(base_url=server, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not [e for e in errors if "404" not in e], errors
