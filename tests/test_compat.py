"""Every private library internal the code needs exists (compat/): an upgrade that removes
one fails here, by name, with the pinned version quoted."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.index import TOC
from whoosh.searching import Searcher

import compat
import compat.docx as compat_docx
import compat.pypdf as compat_pypdf
import compat.re_parser as compat_re
import compat.whoosh as compat_whoosh
from indexer import schema as f
from tests.conftest import ROOT


def _pinned() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


@pytest.mark.parametrize("module", [compat_whoosh, compat_docx, compat_pypdf])
def test_each_compat_module_quotes_the_version_requirements_pin(module):
    assert _pinned()[module.DISTRIBUTION.lower()] == module.PINNED
    assert compat.installed(module.DISTRIBUTION) == module.PINNED


def test_a_missing_internal_is_a_named_error_quoting_the_pin():
    with pytest.raises(compat.LibraryChanged, match=r"lacks _gone of X; .*whoosh-reloaded==2\.7\.5"):
        compat.require("whoosh-reloaded", "2.7.5", [(object(), "X", ["_gone"])])


# --- whoosh ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", compat_whoosh.MATCHER_METHODS)
def test_whoosh_leaf_matcher_method(name):
    assert callable(getattr(W3LeafMatcher, name))


@pytest.mark.parametrize("name", compat_whoosh.WRITER_METHODS)
def test_whoosh_segment_writer_method(name):
    from whoosh.writing import SegmentWriter
    assert callable(getattr(SegmentWriter, name))


def test_whoosh_index_and_commit_reader(index_dir):
    ix = whoosh_index.open_dir(str(f.current_generation(index_dir)))
    assert callable(getattr(type(ix), "_reader"))
    toc = TOC.read(ix.storage, ix.indexname, schema=compat_whoosh.index_schema(ix))
    with Searcher(compat_whoosh.commit_reader(ix, toc), fromindex=ix) as s:
        assert s.doc_count_all() > 0


def test_whoosh_matcher_block_state(index_dir):
    ix = whoosh_index.open_dir(str(f.current_generation(index_dir)))
    with ix.searcher() as s:
        leaf, _ = s.reader().leaf_readers()[0]
        term = next(t for fn, t in leaf.all_terms() if fn == f.KIND)
        m = leaf.postings(f.KIND, term)
        assert isinstance(m, W3LeafMatcher)
        ids, weights, values = compat_whoosh.block_postings(m)
        for name in compat_whoosh.MATCHER_BLOCK:
            assert hasattr(m, name), name
        assert len(ids) == len(weights) == len(values) > 0
        compat_whoosh.next_block(m)


def test_whoosh_writer_state(tmp_path):
    from indexer.segments import SegmentFlushWriter
    ix = whoosh_index.create_in(str(tmp_path), f.build_schema())
    writer = SegmentFlushWriter(ix)
    try:
        for name in compat_whoosh.WRITER_STATE:
            assert hasattr(writer, name), name
        compat_whoosh.check_can_add(writer, [f.KIND])
    finally:
        writer.cancel()


# --- python-docx -----------------------------------------------------------------------


def test_docx_paragraph_and_cell_elements():
    document = docx.Document()
    paragraph = document.add_paragraph("text", style="Heading 1")
    cell = document.add_table(rows=1, cols=2).cell(0, 0)
    for name in compat_docx.PARAGRAPH_INTERNALS:
        assert hasattr(paragraph, name)
    for name in compat_docx.CELL_INTERNALS:
        assert hasattr(cell, name)
    run = paragraph.add_run("more")
    for name in compat_docx.RUN_INTERNALS:
        assert hasattr(run, name)
    assert compat_docx.run_element(run).tag.endswith("}r")
    assert compat_docx.paragraph_element(paragraph).style == "Heading1"
    assert compat_docx.cell_element(cell).xpath(".//w:p")
    assert isinstance(cell, compat_docx.Cell)


# --- pypdf -----------------------------------------------------------------------------


def _encrypted_pdf(user: str, owner: str) -> PdfReader:
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.encrypt(user_password=user, owner_password=owner, algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    buf.seek(0)
    return PdfReader(buf)


def test_pypdf_internals_are_all_there():
    assert compat_pypdf.PROBLEM is None
    assert callable(compat_pypdf.AlgV4.verify_user_password)
    assert callable(compat_pypdf.AlgV5.verify_user_password)
    enc = _encrypted_pdf("", "owner")._encryption
    for name in compat_pypdf.ENCRYPTION_FIELDS:
        assert hasattr(enc, name), name
    for name in compat_pypdf.VALUES_FIELDS:
        assert hasattr(enc.values, name), name


@pytest.mark.parametrize("fallback", [False, True])
def test_pypdf_user_password_check_with_and_without_internals(monkeypatch, fallback):
    if fallback:
        monkeypatch.setattr(compat_pypdf, "PROBLEM", "simulated upgrade")
    assert compat_pypdf.empty_user_password(_encrypted_pdf("", "owner"))
    assert not compat_pypdf.empty_user_password(_encrypted_pdf("secret", ""))
    assert not compat_pypdf.empty_user_password(_encrypted_pdf("secret", "owner"))


UPGRADED_PYPDF = """
import pypdf._encryption as e
del e.AlgV4                           # as if a pypdf upgrade had renamed it
from app import create_app
import compat.pypdf
app = create_app({"TESTING": True, "INDEX_DIR": "/nonexistent", "DATA_DIR": "%s"})
print("started", bool(compat.pypdf.PROBLEM))
"""


def test_the_app_starts_after_a_pypdf_upgrade_removed_its_internals(tmp_path):
    proc = subprocess.run([sys.executable, "-c", UPGRADED_PYPDF % tmp_path], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.split() == ["started", "True"], proc.stderr[-2000:]
    assert "pypdf==7.1.0" in proc.stderr


UPGRADED_WHOOSH = """
import whoosh.codec.whoosh3 as w
del w.W3LeafMatcher._read_ids
import app
"""


def test_a_whoosh_upgrade_fails_at_import_with_one_clear_message():
    proc = subprocess.run([sys.executable, "-c", UPGRADED_WHOOSH], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("compat.LibraryChanged: whoosh-reloaded 2.7.5 lacks _read_ids")
    assert "whoosh-reloaded==2.7.5" in last


# --- re (CPython) ------------------------------------------------------------------------


def test_the_regex_parser_and_opcodes():
    assert compat_re.PROBLEM is None and compat_re.parser is not None
    for name in compat_re.OPCODES:
        assert hasattr(compat_re.ops, name), name
    tree = compat_re.parser.parse("ab|c", 0)
    assert tree.data and tree.data[0][0] is compat_re.ops.BRANCH


def test_no_private_library_access_outside_compat():
    """`from <lib>._x import`, `._p`/`._tc`/`._encryption` and Whoosh's `_read_*` live in compat/."""
    pattern = re.compile(r"from (?:pypdf|docx|whoosh|re)\._|from re import _|\._(?:p|tc|encryption|"
                         r"reader|schema|read_ids|read_values|read_weights|next_block|"
                         r"check_state|check_fields)\b")
    offenders = []
    for package in ("indexer", "search", "web"):
        for path in (ROOT / package).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line.split("#")[0]) and "self._" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
