"""The engine across uploads: segment files outlive merges, reloads read only new segments,
and requests keep reading the previous generation while another thread loads the next."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

import indexer.build as build
import indexer.storage as storage
from indexer import schema as f
from indexer.build import build_index
from indexer.records import Marking
from search.doctable import load_doc_table
from search.engine import Engine
from search.kb import KnowledgeBase
from search.query import SearchRequest


def _add(corpus: Path, name: str, word: str) -> None:
    (corpus / name).write_text(f"---\ntitle: Note {word}\n---\n\nThe delegation discussed "
                               f"{word} and logistics planning in detail.\n", encoding="utf-8")


def _segments(index: Path) -> set[str]:
    with whoosh_index.open_dir(f.current_generation(index)).reader() as r:
        return {leaf.segment().segment_id() for leaf, _ in r.leaf_readers()}


def _titles(kb: KnowledgeBase, word: str) -> list[str]:
    return [h.title for h in kb.search(SearchRequest(text=word), Marking.RESTRICTED).hits]


def test_a_searcher_opened_before_a_merging_update_keeps_reading(tmp_path, corpus_copy,
                                                                 taxonomy, monkeypatch):
    monkeypatch.setattr(build, "MERGE_AT_SEGMENTS", 3)
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy, workers=1)
    _add(corpus_copy, "first.md", "quartermaster")
    build_index(corpus_copy, index, taxonomy, workers=1)
    old = whoosh_index.open_dir(f.current_generation(index)).searcher()
    seen = _segments(index)
    for k in range(4):                     # enough updates for one to merge
        _add(corpus_copy, f"n{k}.md", f"word{k}")
        build_index(corpus_copy, index, taxonomy, workers=1)
    assert not seen <= _segments(index), "no update merged: the test proves nothing"
    stored = [s for s in old.documents(**{f.KIND: f.KIND_DOC})]
    assert len(stored) == len(list(corpus_copy.glob("*.*"))) - len(
        list(corpus_copy.glob("*.meta.yaml"))) - 4
    old.close()

    monkeypatch.setattr(storage, "GRACE_S", 0.0)     # past the grace: the next commit deletes
    _add(corpus_copy, "last.md", "finally")
    build_index(corpus_copy, index, taxonomy, workers=1)
    gen = f.current_generation(index)
    live = {p.name.split(".")[0] for p in gen.glob("MAIN_*.*")}
    assert live == _segments(index)
    assert not (seen - _segments(index)) & live


def test_reloads_after_updates_equal_a_fresh_load(tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy, workers=1)
    parts: dict = {}
    gen = f.current_generation(index)
    with whoosh_index.open_dir(gen).searcher() as s:
        load_doc_table(s, None, parts)
    _add(corpus_copy, "added.md", "quartermaster")
    victim = sorted(corpus_copy.glob("*.md"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nAn added closing line.\n",
                      encoding="utf-8")
    sorted(corpus_copy.glob("*.txt"))[0].unlink()
    build_index(corpus_copy, index, taxonomy, workers=1)
    with whoosh_index.open_dir(gen).searcher() as s:
        assert len(list(s.reader().leaf_readers())) == 2
        reused = load_doc_table(s, None, parts)
        fresh = load_doc_table(s, None, None)
    assert reused.docs == fresh.docs and reused.ordinal == fresh.ordinal
    for name in ("marking", "dates", "passage_doc", "record_doc", "text_len", "title_len"):
        assert np.array_equal(getattr(reused, name), getattr(fresh, name)), name
    for facet, column in fresh.facets.items():
        assert reused.facets[facet].values == column.values
        assert np.array_equal(reused.facets[facet].matrix, column.matrix), facet
    assert (reused.passage_doc >= 0).sum() == sum(d.passages for d in fresh.docs)


def test_requests_read_the_previous_generation_while_another_loads_it(tmp_path, corpus_copy,
                                                                     taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy, workers=1)
    kb = KnowledgeBase(index, taxonomy)
    assert _titles(kb, "quartermaster") == []
    _add(corpus_copy, "added.md", "quartermaster")
    build_index(corpus_copy, index, taxonomy, workers=1)

    engine: Engine = kb.engine
    engine._loading.acquire()               # as if another request were loading the new one
    try:
        assert _titles(kb, "quartermaster") == []          # served from the previous snapshot
    finally:
        engine._loading.release()
    assert _titles(kb, "quartermaster") == ["Note quartermaster"]


def test_refresh_loads_the_new_generation_for_the_next_request(tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy, workers=1)
    kb = KnowledgeBase(index, taxonomy)
    _titles(kb, "anything")
    _add(corpus_copy, "added.md", "quartermaster")
    build_index(corpus_copy, index, taxonomy, workers=1)
    kb.refresh()
    done = threading.Event()
    kb.engine._loading.acquire()            # nobody may load now: the snapshot must be ready
    try:
        threading.Thread(target=lambda: (_titles(kb, "x"), done.set()), daemon=True).start()
        assert done.wait(10)
        assert _titles(kb, "quartermaster") == ["Note quartermaster"]
    finally:
        kb.engine._loading.release()


def test_a_build_written_in_several_segments_answers_like_one_segment(tmp_path, corpus_copy,
                                                                      taxonomy, monkeypatch):
    one = tmp_path / "one"
    build_index(corpus_copy, one, taxonomy, workers=1)
    monkeypatch.setattr(build, "SEGMENT_RECORDS", 8)
    several = tmp_path / "several"
    build_index(corpus_copy, several, taxonomy, workers=1)
    assert len(_segments(one)) == 1 and len(_segments(several)) >= 4
    a, b = KnowledgeBase(one, taxonomy), KnowledgeBase(several, taxonomy)
    for text in ("logistics", "defense reform", '"end-use monitoring"', "interop*", "NATO",
                 "оборонний", ""):
        req = SearchRequest(text=text, per_page=50)
        ra, rb = a.search(req, Marking.RESTRICTED), b.search(req, Marking.RESTRICTED)
        assert ra.total == rb.total and ra.facets == rb.facets, text
        assert [(h.id, round(h.score, 6)) for h in ra.hits] == \
            [(h.id, round(h.score, 6)) for h in rb.hits], text
        assert [h.snippets for h in ra.hits] == [h.snippets for h in rb.hits], text
