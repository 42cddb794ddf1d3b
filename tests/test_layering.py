"""The layering rules of style.md, checked on the source tree."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module in ("indexer", "search"):
                names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("package", ["indexer", "search"])
def test_no_flask_below_app(package):
    offenders = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p)
                                                   if n.split(".")[0] in ("flask", "werkzeug", "app"))
                 for p in (ROOT / package).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_indexer_never_imports_search():
    offenders = [p.name for p in (ROOT / "indexer").rglob("*.py")
                 if any(n.split(".")[0] == "search" for n in _imports(p))]
    assert offenders == []


def test_search_imports_only_schema_and_records_from_indexer():
    # analysis, sentences and furniture are shared text utilities (queries must normalize like
    # the index; summaries must leave out the furniture the indexer leaves out)
    allowed = {"indexer.schema", "indexer.records", "indexer.analysis", "indexer.sentences",
               "indexer.furniture"}
    used = {n for p in (ROOT / "search").glob("*.py") for n in _imports(p)
            if n.split(".")[0] == "indexer" and n != "indexer"}
    assert used <= allowed
