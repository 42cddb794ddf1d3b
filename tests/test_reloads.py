"""Memory stays flat across reloads: what an earlier load froze (gc.freeze keeps the live
table out of collections) is collected once it becomes garbage in a reference cycle, at the
next reload (freezing after each load used to keep it forever; bench/memory_reloads.py
measures the RSS)."""
from __future__ import annotations

import gc
import weakref

from indexer.build import build_index
from indexer.records import Marking
from search.kb import KnowledgeBase
from search.query import SearchRequest


class _Part:
    """Stands in for a replaced snapshot's searcher or table part."""


def test_garbage_frozen_by_an_earlier_load_is_collected_at_the_next_reload(
        tmp_path, corpus_copy, taxonomy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    kb = KnowledgeBase(index, taxonomy)
    kb.refresh()
    part = _Part()
    part.cycle = [part]                 # a reference cycle, alive at the load's freeze...
    gone = weakref.ref(part)
    gc.freeze()
    del part                            # ...and garbage once its snapshot is replaced
    gc.collect()
    assert gone() is not None           # frozen: no collection sees it
    (corpus_copy / "upload.md").write_text("# Upload\n\nA logistics note.\n", encoding="utf-8")
    build_index(corpus_copy, index, taxonomy)
    kb.refresh()
    assert kb.search(SearchRequest(text="logistics"), Marking.RESTRICTED).total >= 1
    assert gone() is None
    assert gc.get_freeze_count() > 0    # the live table is frozen again
