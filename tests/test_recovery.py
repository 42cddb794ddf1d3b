"""Damage is declared only after re-verifying the generation; passing errors (EMFILE...)
answer 503 "busy" and rebuild nothing; one recovery at a time across processes, in a child
process, and none once CURRENT has moved on."""
from __future__ import annotations

import errno
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import web.child_build
from app import create_app
from indexer import schema as f
from indexer.build import build_index
from indexer.records import BuildReport, Marking
from search.engine import SearcherPool, verify_generation
from search.errors import IndexBusy, IndexDamaged
from search.kb import KnowledgeBase
from search.query import SearchRequest
from tests.conftest import ROOT
from web.recovery import RECOVERY_LOCK, IndexRecovery


@pytest.fixture
def indexed(tmp_path, corpus_copy, taxonomy) -> Path:
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    return index


def _search(index: Path, taxonomy):
    return KnowledgeBase(index, taxonomy).search(SearchRequest(text="defense"),
                                                 Marking.RESTRICTED)


def _app(index: Path, corpus: Path, tmp_path: Path):
    return create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus),
                       "DATA_DIR": str(tmp_path / "data")})


def _failing_take(err: int):
    def take(self):
        raise OSError(err, "injected: " + errno.errorcode[err])
    return take


@pytest.mark.parametrize("err", [errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.EINTR])
def test_resource_errors_are_busy_not_damage(indexed, taxonomy, monkeypatch, err):
    monkeypatch.setattr(SearcherPool, "take", _failing_take(err))
    with pytest.raises(IndexBusy) as caught:
        _search(indexed, taxonomy)
    assert not isinstance(caught.value, IndexDamaged)


def test_an_io_error_on_an_intact_generation_is_not_damage(indexed, taxonomy, monkeypatch):
    monkeypatch.setattr(SearcherPool, "take", _failing_take(errno.EIO))
    with pytest.raises(IndexBusy):           # the fresh searcher reads it fine
        _search(indexed, taxonomy)


def test_the_app_answers_busy_and_starts_no_rebuild(indexed, corpus_copy, tmp_path,
                                                    monkeypatch):
    gen = f.current_generation(indexed)
    app = _app(indexed, corpus_copy, tmp_path)
    monkeypatch.setattr(SearcherPool, "take", _failing_take(errno.EMFILE))
    resp = app.test_client().get("/api/search?q=defense")
    assert resp.status_code == 503 and "busy" in resp.get_json()["error"]
    assert resp.headers["Retry-After"] == "5"
    recovery = app.extensions["index_recovery"]
    assert not recovery.is_rebuilding and recovery.outcome is None
    monkeypatch.undo()
    assert app.test_client().get("/api/search?q=defense").status_code == 200
    assert f.current_generation(indexed) == gen


EXHAUST = """
import os, sys
from pathlib import Path
from indexer.records import BuildReport, Marking
from indexer.taxonomy import default_taxonomy_path, load_taxonomy
from search.errors import IndexBusy
from search.kb import KnowledgeBase
from search.query import SearchRequest
kb = KnowledgeBase(Path(sys.argv[1]), load_taxonomy(default_taxonomy_path()))
held = []
try:
    while True:
        held.append(os.open(os.devnull, os.O_RDONLY))   # every descriptor taken
except OSError:
    pass
try:
    kb.search(SearchRequest(text="defense"), Marking.RESTRICTED)
    print("answered")
except IndexBusy as exc:
    print("busy", type(exc).__name__)
except Exception as exc:
    print("other", type(exc).__name__, exc)
"""


def test_real_file_handle_exhaustion_is_busy(indexed):
    proc = subprocess.run([sys.executable, "-c", EXHAUST, str(indexed)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert proc.stdout.split()[:2] == ["busy", "IndexBusy"], proc.stdout + proc.stderr


def test_truncated_files_are_damage_naming_the_generation(indexed, taxonomy):
    gen = f.current_generation(indexed)
    pst = next(p for p in gen.iterdir() if p.name.endswith(".pst"))
    pst.write_bytes(pst.read_bytes()[: pst.stat().st_size // 2])
    assert "pst" in (verify_generation(gen) or "")
    with pytest.raises(IndexDamaged) as caught:
        _search(indexed, taxonomy)
    assert caught.value.generation == gen.name


def test_an_intact_generation_verifies(indexed):
    assert verify_generation(f.current_generation(indexed)) is None


def test_recovery_rebuilds_in_a_child_process(indexed, corpus_copy, taxonomy, monkeypatch):
    def in_this_process(*args, **kwargs):
        raise AssertionError("the recovery build ran in the server process")
    monkeypatch.setattr(web.child_build, "build_index", in_this_process)   # a spawned child
    old = f.current_generation(indexed)                                      # imports afresh
    recovery = IndexRecovery(corpus_copy, indexed, taxonomy)
    assert recovery.recover(old.name) == "rebuilt"
    assert recovery.last_report is not None and recovery.last_report.rebuilt
    assert f.current_generation(indexed) != old
    assert _search(indexed, taxonomy).total >= 1


def test_no_recovery_once_current_has_moved_on(indexed, corpus_copy, taxonomy):
    current = f.current_generation(indexed)
    recovery = IndexRecovery(corpus_copy, indexed, taxonomy)
    assert recovery.recover("gen-replaced-earlier") == "moved-on"
    assert f.current_generation(indexed) == current
    assert [p.name for p in indexed.glob("gen-*")] == [current.name]


LOCK_HOLDER = """
import fcntl, sys
fh = open(sys.argv[1], "a+")
fcntl.flock(fh, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def test_one_recovery_at_a_time_across_processes(indexed, corpus_copy, taxonomy):
    current = f.current_generation(indexed)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(indexed / RECOVERY_LOCK)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        recovery = IndexRecovery(corpus_copy, indexed, taxonomy)
        assert recovery.recover(current.name) == "elsewhere"
        assert f.current_generation(indexed) == current
    finally:
        holder.communicate("", timeout=10)


def test_two_workers_damaged_at_once_rebuild_once(indexed, corpus_copy, taxonomy):
    """Two serve workers (two coordinators) finding the same damage: one rebuild."""
    old = f.current_generation(indexed)
    workers = [IndexRecovery(corpus_copy, indexed, taxonomy) for _ in range(2)]
    outcomes: list[str] = []
    threads = [threading.Thread(target=lambda w=w: outcomes.append(w.recover(old.name)))
               for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(outcomes) in (["elsewhere", "rebuilt"], ["moved-on", "rebuilt"])
    assert f.current_generation(indexed) != old
    assert len(list(indexed.glob("gen-*"))) <= 2          # the new one (+ the old, kept)


def test_locked_builds_are_retried_on_the_injected_clock(indexed, corpus_copy, taxonomy,
                                                         monkeypatch):
    report = BuildReport(indexed=3, rebuilt=True)
    outcomes = iter([("locked", "busy"), ("locked", "busy"), ("ok", report)])
    monkeypatch.setattr("web.recovery.build_in_child", lambda *a, **k: next(outcomes))
    pauses: list[float] = []
    recovery = IndexRecovery(corpus_copy, indexed, taxonomy, retry_pause_s=7.0,
                             sleep=pauses.append)
    assert recovery.recover(None) == "rebuilt"
    assert pauses == [7.0, 7.0] and recovery.last_report == report


def test_a_refused_upload_build_fails_the_uploads_with_the_reason(indexed, corpus_copy,
                                                                  tmp_path, monkeypatch):
    app = _app(indexed, corpus_copy, tmp_path)
    queue = app.extensions["index_queue"]
    uploads = app.extensions["stores"].uploads
    uploads.add("u1", "note.md", "uploads/note.md", "uploads/note.md", Marking.INTERNAL, "ed")
    monkeypatch.setattr("web.indexing.build_in_child",
                        lambda *a, **k: ("refused", "the corpus folder x is empty: nothing was "
                                                    "changed"))
    queue.request()
    assert queue.wait_idle(30)
    [rec] = uploads.recent()
    assert rec.status == "failed" and "is empty" in rec.reason
