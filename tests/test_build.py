"""The index build: reports, incremental runs, atomic rebuilds and hostile files."""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from pebble import ProcessPool
from whoosh import index as whoosh_index

import indexer.build as build
from indexer import schema as f
from indexer.build import build_index, _result
from indexer.records import Marking
from indexer.scan import CorpusFile, doc_id_for
from indexer.worker import parse_in_worker
from search.kb import KnowledgeBase
from search.query import SearchRequest
from tests.conftest import ROOT, TEST_CORPUS, needs_shared


def _paths(kb: KnowledgeBase) -> list[str]:
    res = kb.search(SearchRequest(per_page=100, sort="newest"), Marking.RESTRICTED)
    return sorted(h.path for h in res.hits)


def _files(corpus: Path) -> list[str]:
    return sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*")
                  if p.is_file() and not p.name.endswith(".meta.yaml"))


def test_test_corpus_builds_with_only_the_broken_file_failing(built):
    _, report = built
    assert [x.path for x in report.failed] == ["broken.pdf"]
    assert "PDF" in report.failed[0].reason or "pdf" in report.failed[0].reason
    assert report.indexed == len(_files(TEST_CORPUS)) - 1
    assert report.rebuilt and report.passages >= report.indexed


def test_incremental_runs_track_add_change_delete_rename(tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    first = build_index(corpus_copy, index, taxonomy)
    kb = KnowledgeBase(index, taxonomy)
    assert _paths(kb) == _files(corpus_copy)
    n = first.indexed

    (corpus_copy / "added.md").write_text("---\ntitle: Added note\n---\n\nA new note on "
                                          "logistics and sustainment planning.\n", encoding="utf-8")
    report = build_index(corpus_copy, index, taxonomy)
    assert (report.indexed, report.updated, report.removed, report.unchanged) == (1, 0, 0, n)

    time.sleep(0.01)
    (corpus_copy / "added.md").write_text("---\ntitle: Added note v2\n---\n\nChanged text on "
                                          "procurement.\n", encoding="utf-8")
    report = build_index(corpus_copy, index, taxonomy)
    assert (report.indexed, report.updated, report.removed) == (0, 1, 0)
    hits = kb.search(SearchRequest(text="procurement"), Marking.RESTRICTED).hits
    assert "Added note v2" in [h.title for h in hits]

    (corpus_copy / "added.md").rename(corpus_copy / "renamed.md")
    report = build_index(corpus_copy, index, taxonomy)
    assert (report.indexed, report.updated, report.removed) == (1, 0, 1)

    (corpus_copy / "renamed.md").unlink()
    report = build_index(corpus_copy, index, taxonomy)
    assert (report.indexed, report.updated, report.removed, report.unchanged) == (0, 0, 1, n)
    assert _paths(kb) == _files(corpus_copy)


def test_a_large_update_is_written_in_segments_and_answers_like_a_full_build(
        tmp_path, corpus_copy, taxonomy, monkeypatch):
    # The writer holds a segment's postings in memory, so an update adding many files
    # commits every SEGMENT_RECORDS records, like a full build.
    monkeypatch.setattr(build, "SEGMENT_RECORDS", 8)
    index, full = tmp_path / "index", tmp_path / "full"
    half = [corpus_copy / rel for rel in _files(corpus_copy)[::2]]
    moved = tmp_path / "later"
    for p in half:
        dest = moved / p.relative_to(corpus_copy)
        dest.parent.mkdir(parents=True, exist_ok=True)
        p.rename(dest)
    build_index(corpus_copy, index, taxonomy)
    segments_before = len(list(f.current_generation(index).glob("*.pst")))
    for p in moved.rglob("*"):
        if p.is_file():
            dest = corpus_copy / p.relative_to(moved)
            dest.parent.mkdir(parents=True, exist_ok=True)
            p.rename(dest)
    report = build_index(corpus_copy, index, taxonomy)
    assert not report.rebuilt and report.indexed == len(half)
    assert len(list(f.current_generation(index).glob("*.pst"))) >= segments_before + 2
    build_index(corpus_copy, full, taxonomy)
    kb, kb_full = KnowledgeBase(index, taxonomy), KnowledgeBase(full, taxonomy)
    assert _paths(kb) == _paths(kb_full) == _files(corpus_copy)
    for text in ("logistics", "audit", "training centre"):
        request = SearchRequest(text=text, per_page=50)
        assert ([h.path for h in kb.search(request, Marking.RESTRICTED).hits]
                == [h.path for h in kb_full.search(request, Marking.RESTRICTED).hits])


def test_files_in_flight_are_bounded_by_count_and_size(tmp_path, corpus_copy, taxonomy,
                                                       monkeypatch):
    # One file at a time when each exceeds the byte budget; results stay in input order.
    monkeypatch.setattr(build, "IN_FLIGHT_BYTES", 1)
    report = build_index(corpus_copy, tmp_path / "one", taxonomy)
    monkeypatch.setattr(build, "IN_FLIGHT_BYTES", 10**9)
    monkeypatch.setattr(build, "IN_FLIGHT", 3)
    assert build_index(corpus_copy, tmp_path / "three", taxonomy) == dataclasses.replace(
        report, seconds=mock.ANY)
    kb = KnowledgeBase(tmp_path / "one", taxonomy)
    assert _paths(kb) == _files(corpus_copy)


SLOW_PARSE_S = 2.0


def _slow_parse(file: CorpusFile, corpus_dir: Path):
    time.sleep(SLOW_PARSE_S)
    return parse_in_worker(file, corpus_dir)


def test_a_failing_writer_does_not_wait_for_the_files_scheduled_ahead(
        tmp_path, corpus_copy, taxonomy, monkeypatch):
    # Up to IN_FLIGHT files are parsed ahead of the writer; when the writer fails, the
    # build must stop at once rather than finish parsing them (pebble's close waits).
    files = len(_files(corpus_copy))
    assert files >= 8
    monkeypatch.setattr(build, "parse_in_worker", _slow_parse)

    def failing_apply(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build, "_apply", failing_apply)
    started = time.monotonic()
    with pytest.raises(OSError, match="disk full"):
        build_index(corpus_copy, tmp_path / "index", taxonomy, workers=2)
    waiting_for_all = files * SLOW_PARSE_S / 2                # two workers
    assert time.monotonic() - started < waiting_for_all / 2


def test_no_change_rerun_parses_nothing(tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    gen = f.current_generation(index)
    generation = whoosh_index.open_dir(gen).latest_generation()
    report = build_index(corpus_copy, index, taxonomy)
    assert (report.indexed, report.updated, report.removed) == (0, 0, 0)
    assert report.unchanged == len(_files(corpus_copy))
    assert f.current_generation(index) == gen
    assert whoosh_index.open_dir(gen).latest_generation() == generation   # nothing committed


def test_rebuild_swaps_in_a_new_generation(tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    old = f.current_generation(index)
    report = build_index(corpus_copy, index, taxonomy, rebuild=True)
    new = f.current_generation(index)
    assert report.rebuilt and new != old and new.is_dir()
    assert _paths(KnowledgeBase(index, taxonomy)) == _files(corpus_copy)


def test_killed_rebuild_leaves_the_old_index_searchable(tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    before = _paths(KnowledgeBase(index, taxonomy))
    for i in range(80):     # enough work that the kill lands mid-build
        (corpus_copy / f"bulk-{i}.txt").write_text(("Defense procurement reform. " * 400),
                                                   encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "index", "--corpus",
                             str(corpus_copy), "--index", str(index), "--rebuild"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while len(list(index.glob("gen-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)     # the rebuild has started writing a new generation
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _paths(KnowledgeBase(index, taxonomy)) == before
    report = build_index(corpus_copy, index, taxonomy)
    assert _paths(KnowledgeBase(index, taxonomy)) == _files(corpus_copy)
    assert report.failed == ()


def _zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _hostile_files(corpus: Path, outside: Path) -> dict[str, str]:
    """Write hostile files into `corpus`; return {relative path: expected reason fragment}."""
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "pdf-named.md").write_bytes((ROOT.parent / "shared/fixtures/pdf-real/"
                                           "pypdf__crazyones.pdf").read_bytes())
    (corpus / "bad-utf8.txt").write_bytes(b"Defense \xff\xfe\xfa text \x80\x81")
    _zip(corpus / "bomb.docx", {"[Content_Types].xml": b"<Types/>",
                                "word/document.xml": b"<a>" + b"0" * (300 * 1024 * 1024) + b"</a>"})
    _zip(corpus / "doctype.docx", {"[Content_Types].xml": b"<Types/>",
                                   "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x '
                                   b'[<!ENTITY a "aaaa">]><w:document/>'})
    (corpus / "deep.html").write_text("<div>" * 10000 + "deep" + "</div>" * 10000)
    with open(corpus / "huge.txt", "wb") as fh:
        fh.truncate(60 * 1024 * 1024)
    (outside / "secret.txt").write_text("outside secret text " * 20)
    (corpus / "escape.txt").symlink_to(outside / "secret.txt")
    (corpus / "unknown.xyz").write_text("what is this")
    return {"empty.md": "", "pdf-named.md": "", "bad-utf8.txt": "", "bomb.docx": "",
            "doctype.docx": "DOCTYPE", "huge.txt": "limit", "escape.txt": "outside",
            "unknown.xyz": "unsupported"}


@needs_shared(ROOT.parent / "shared/fixtures/pdf-real/pypdf__crazyones.pdf")
def test_hostile_files_are_reported_while_the_rest_index(tmp_path, corpus_copy, taxonomy):
    outside = tmp_path / "outside"
    outside.mkdir()
    expected = _hostile_files(corpus_copy, outside)
    (corpus_copy / "utf16.txt").write_text("Utf sixteen note on defense procurement reform "
                                           "and budgeting.", encoding="utf-16")
    started = time.monotonic()
    report = build_index(corpus_copy, tmp_path / "index", taxonomy)
    assert time.monotonic() - started < 120
    failed = {x.path: x.reason for x in report.failed}
    for path, fragment in expected.items():
        assert path in failed, path
        assert fragment.lower() in failed[path].lower()
        assert "\n" not in failed[path]
    assert "deep.html" not in failed or failed["deep.html"]
    kb = KnowledgeBase(tmp_path / "index", taxonomy)
    paths = _paths(kb)
    assert "utf16.txt" in paths
    assert set(_files(TEST_CORPUS)) - {"broken.pdf"} <= set(paths)
    assert not any("secret" in h.title for h in kb.search(SearchRequest(text="secret"),
                                                          Marking.RESTRICTED).hits)


def _sleep_forever(_: int) -> None:
    time.sleep(60)


def test_a_parse_that_hangs_becomes_a_timeout_failure():
    with ProcessPool(max_workers=1) as pool:
        fut = pool.schedule(_sleep_forever, args=(1,), timeout=0.5)
        failure = _result(CorpusFile(Path("x"), "slow.pdf", "slow.pdf", 1, 1, None), fut)
    assert failure.path == "slow.pdf" and "longer than" in failure.reason


@pytest.mark.parametrize("rel, expected", [
    ("minutes/bdc-2019.pdf", "minutes--bdc-2019.pdf"),
    ("Звіт 2020.docx", "звіт-2020.docx"),
    ("a b/C.md", "a-b--c.md"),
    ("../x?.md", "x-.md"),
])
def test_doc_ids_are_url_safe_and_stable(rel, expected):
    assert doc_id_for(rel) == expected
