"""Shared fixtures: one real index of tests/corpus, built once per session and read-only."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
