"""Faults: builds killed with SIGKILL at random points, stale locks, damaged index files."""
from __future__ import annotations

import contextlib
import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from whoosh import index as whoosh_index

from app import create_app
from indexer import schema as f
from indexer.build import LOCK_FILE, build_index
from indexer.records import Marking
from search.errors import IndexDamaged
from search.kb import KnowledgeBase
from search.query import SearchRequest
from tests.conftest import ROOT

KILL_ROUNDS = 8
BULK_FILES = 40          # half change each round: enough work that kills land mid-build
SEED = 8


def _files(corpus: Path) -> list[str]:
    return sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*")
                  if p.is_file() and not p.name.endswith(".meta.yaml"))


def _index_ids(index: Path) -> tuple[list[str], list[str], dict[str, int]]:
    """Return the live document paths, passage ids, and passages promised per document."""
    with whoosh_index.open_dir(f.current_generation(index)).searcher() as s:
        docs = [d for d in s.documents(**{f.KIND: f.KIND_DOC})]
        passages = [d[f.PASSAGE_ID] for d in s.documents(**{f.KIND: f.KIND_PASSAGE})]
    from indexer.records import decode_document
    decoded = [decode_document(d[f.DOC_JSON]) for d in docs]
    return [d.path for d in decoded], passages, {d.doc_id: d.passages for d in decoded}


def assert_index_is_exactly(index: Path, corpus: Path) -> None:
    """Documents listed == files; no duplicate documents or passages; none lost."""
    paths, passages, promised = _index_ids(index)
    assert sorted(paths) == _files(corpus)
    assert [p for p, n in Counter(passages).items() if n > 1] == []
    per_doc = Counter(p.split("#")[0] for p in passages)
    assert per_doc == Counter({k: v for k, v in promised.items() if v})


def _search_works(index: Path, taxonomy) -> None:
    res = KnowledgeBase(index, taxonomy).search(SearchRequest(text="defense reform"),
                                                Marking.RESTRICTED)
    assert res.total >= 1


def _bulk(corpus: Path, name: str, rng: random.Random) -> None:
    words = "defense procurement reform audit budget oversight logistics training".split()
    sentences = [" ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
                 for _ in range(300)]
    (corpus / name).write_text(" ".join(sentences), encoding="utf-8")


def _index_cmd(corpus: Path, index: Path, rebuild: bool) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "app", "index", "--corpus", str(corpus),
            "--index", str(index)] + (["--rebuild"] if rebuild else [])


UPLOAD_BUILD = """
import sys
from pathlib import Path
from indexer.build import build_index
from indexer.records import Marking
from indexer.taxonomy import default_taxonomy_path, load_taxonomy
from indexer.uploads import store_upload
corpus, index = Path(sys.argv[1]), Path(sys.argv[2])
store_upload(corpus, open(sys.argv[3], "rb").read(), "upload.txt", Marking.INTERNAL)
build_index(corpus, index, load_taxonomy(default_taxonomy_path()), workers=1)
"""


def _lock_is_held(index: Path) -> bool:
    with open(index / LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def _kill_during_build(cmd: list[str], index: Path, delay: float) -> bool:
    """Run `cmd`; once its build holds the lock, wait `delay` s and SIGKILL its whole process
    group (workers too). Return True if it was still running when killed."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 20
    while proc.poll() is None and not _lock_is_held(index) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    running = proc.poll() is None
    with contextlib.suppress(ProcessLookupError):     # finished (its workers too) already
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return running


@pytest.mark.slow
def test_builds_killed_at_random_points_leave_a_searchable_index_that_converges(
        tmp_path, corpus_copy, taxonomy):
    """After each SIGKILL (CLI builds, full rebuilds, upload-triggered builds) the index opens,
    search works, and one re-run brings it to exactly the corpus: nothing lost or doubled."""
    rng = random.Random(SEED)
    index = tmp_path / "index"
    for i in range(BULK_FILES):
        _bulk(corpus_copy, f"bulk-{i}.txt", rng)
    build_index(corpus_copy, index, taxonomy)
    killed_mid_run = 0
    started = time.monotonic()
    for round_ in range(KILL_ROUNDS):
        for i in rng.sample(range(BULK_FILES), BULK_FILES // 2):
            _bulk(corpus_copy, f"bulk-{i}.txt", rng)                    # changed
        _bulk(corpus_copy, f"new-{round_}.txt", rng)                   # added
        gone = sorted(corpus_copy.glob("new-*.txt"))
        if round_ % 3 == 2 and gone:
            gone[0].unlink()                                            # deleted
        if round_ % 4 == 3:                                             # an upload's build
            src = tmp_path / "upload-src.txt"
            _bulk(tmp_path, src.name, rng)
            cmd = [sys.executable, "-c", UPLOAD_BUILD, str(corpus_copy), str(index), str(src)]
        else:
            cmd = _index_cmd(corpus_copy, index, rebuild=round_ % 4 == 1)
        killed_mid_run += _kill_during_build(cmd, index, rng.uniform(0.0, 0.5))
        _search_works(index, taxonomy)
        report = build_index(corpus_copy, index, taxonomy)
        assert [x.path for x in report.failed] == []
        assert_index_is_exactly(index, corpus_copy)
        _search_works(index, taxonomy)
    assert killed_mid_run >= KILL_ROUNDS - 2     # most kills landed while it still ran
    print(f"{KILL_ROUNDS} kill rounds, {killed_mid_run} mid-build, "
          f"{time.monotonic() - started:.1f} s")
    assert len(list(index.glob("gen-*"))) <= 2      # killed rebuilds' folders are cleaned up


def test_a_killed_builds_lock_does_not_block_the_next_build(tmp_path, corpus_copy, taxonomy):
    """The build lock is an flock: it dies with the process, no stale lock file to clear."""
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; fh = open(sys.argv[1], 'a+'); "
         "fcntl.flock(fh, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
         str(index / LOCK_FILE)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    (f.current_generation(index) / "MAIN_WRITELOCK").write_text("")   # Whoosh's, left behind
    holder.kill()
    holder.wait()
    holder.stdout.close()
    started = time.monotonic()
    (corpus_copy / "after.md").write_text("# After\n\nDefense audit after the crash.\n")
    report = build_index(corpus_copy, index, taxonomy)
    assert time.monotonic() - started < 10
    assert report.indexed == 1
    assert_index_is_exactly(index, corpus_copy)


# --- damaged index files -------------------------------------------------------------


def _segment_file(index: Path, suffix: str) -> Path:
    return next(p for p in f.current_generation(index).iterdir() if p.name.endswith(suffix))


DAMAGE = {
    "deleted-postings": lambda p: p.unlink(),
    "truncated-postings": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "emptied-terms": lambda p: p.write_bytes(b""),
    "deleted-doc-id-column": lambda p: p.unlink(),
    "truncated-stored-fields": lambda p: p.write_bytes(p.read_bytes()[:100]),
}
SUFFIXES = {"deleted-postings": ".pst", "truncated-postings": ".pst", "emptied-terms": ".trm",
            "deleted-doc-id-column": "doc_id.col", "truncated-stored-fields": "_stored.col"}


@pytest.fixture
def damaged(tmp_path, corpus_copy, taxonomy, request) -> tuple[Path, Path, Path]:
    """(corpus, index, the damaged generation) after one kind of damage to a segment file."""
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    DAMAGE[request.param](_segment_file(index, SUFFIXES[request.param]))
    return corpus_copy, index, f.current_generation(index)


@pytest.mark.parametrize("damaged", sorted(DAMAGE), indirect=True)
def test_damaged_segment_files_are_detected_when_opened(damaged, taxonomy):
    """Whoosh may answer a missing doc_id column with zero hits, silently: we must not."""
    _, index, _ = damaged
    with pytest.raises(IndexDamaged):
        KnowledgeBase(index, taxonomy).search(SearchRequest(text="defense"), Marking.RESTRICTED)


@pytest.mark.parametrize("damaged", ["truncated-postings", "deleted-doc-id-column"],
                         indirect=True)
def test_the_app_says_rebuilding_then_searches_again(damaged, tmp_path):
    """The first read finds the damage: 503 "rebuilding" (JSON and page) while a rebuild
    writes a new generation from the corpus; then searches work again."""
    corpus, index, old_gen = damaged
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus),
                      "DATA_DIR": str(tmp_path / "data")})
    client = app.test_client()
    recovery = app.extensions["index_recovery"]
    recovery.sleep = lambda seconds: None          # an injected clock: retries do not wait
    api = client.get("/api/search?q=defense")
    assert api.status_code == 503, api.data
    assert "rebuilding" in api.get_json()["error"] and api.headers["Retry-After"] == "60"
    if recovery.is_rebuilding:     # the rebuild may already be done for the page request
        page = client.get("/search?q=defense")
        message = BeautifulSoup(page.data, "html.parser").select_one("[data-message]")
        assert page.status_code == 503 and "rebuilding" in message.get_text()
    assert recovery.wait_idle(60)
    assert recovery.last_report is not None and recovery.last_report.rebuilt
    assert f.current_generation(index) != old_gen
    assert client.get("/api/search?q=defense").get_json()["total"] >= 1
    assert_index_is_exactly(index, corpus)


@pytest.mark.parametrize("damaged", ["truncated-postings"], indirect=True)
def test_cli_index_on_a_damaged_generation_rebuilds_it(damaged, tmp_path):
    corpus, index, old_gen = damaged
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus),
                      "DATA_DIR": str(tmp_path / "data")})
    result = app.test_cli_runner().invoke(args=["index", "--json"])
    assert result.exit_code == 0, result.output
    assert f.current_generation(index) != old_gen
    assert f.index_damage(f.current_generation(index)) is None
    assert_index_is_exactly(index, corpus)


def test_build_index_rebuilds_a_damaged_generation(tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    old = f.current_generation(index)
    _segment_file(index, ".trm").write_bytes(b"")
    report = build_index(corpus_copy, index, taxonomy)
    assert report.rebuilt and f.current_generation(index) != old
    assert_index_is_exactly(index, corpus_copy)
