"""Our segment writer (grouped pool, list positions, lengths from memory) writes the same
index as Whoosh's stock writer."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

import indexer.build as build
from indexer import schema as f
from indexer.build import build_index
from indexer.segments import GroupedPostingPool, SegmentFlushWriter


def _files(index: Path) -> list[tuple[str, str]]:
    """Return (file kind, digest) of the generation's segment files, terms and postings
    aside."""
    gen = f.current_generation(index)
    return sorted((p.name.split(".", 1)[1], hashlib.sha256(p.read_bytes()).hexdigest())
                  for p in gen.glob("MAIN_*.*") if p.suffix not in (".pst", ".trm"))


def _postings(gen: Path) -> list[tuple]:
    """Return every term's statistics and postings (ids, weights, values) as read back.

    Terms and postings are compared decoded: Whoosh pickles each block's values, and our
    writer shares one value object between equal one-position postings, which the pickle
    writes once (smaller files, so other offsets in the terms file, that read back the
    same).
    """
    out = []
    with whoosh_index.open_dir(gen).reader() as reader:
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            matcher = reader.postings(fieldname, tbytes)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            out.append((fieldname, tbytes, info.weight(), info.doc_frequency(),
                        info.min_length(), info.max_length(), info.max_weight(), postings))
    return out


def _same_index(ours: Path, stock: Path) -> None:
    assert _files(ours) == _files(stock)
    postings = _postings(f.current_generation(ours))
    assert len(postings) > 300
    assert postings == _postings(f.current_generation(stock))


def test_writer_writes_the_same_index_as_whoosh(tmp_path, corpus_copy, taxonomy, monkeypatch):
    build_index(corpus_copy, tmp_path / "ours", taxonomy, workers=1)
    monkeypatch.setattr(build, "SegmentFlushWriter", SegmentWriter)
    build_index(corpus_copy, tmp_path / "stock", taxonomy, workers=1)
    _same_index(tmp_path / "ours", tmp_path / "stock")


def _update_twice(corpus: Path, index: Path, taxonomy) -> None:
    """Build, then change two files in two incremental runs (two small segments)."""
    build_index(corpus, index, taxonomy, workers=1)
    for n, path in enumerate(sorted(corpus.rglob("*.md"))[:2]):
        path.write_text(path.read_text(encoding="utf-8") + f"\n\nAddendum {n}: audit.\n",
                        encoding="utf-8")
        build_index(corpus, index, taxonomy, workers=1)


def test_small_segment_merges_write_the_same_index_as_whoosh(tmp_path, corpus_copy, taxonomy,
                                                            monkeypatch):
    # A merge adds postings term by term, so the pool sees document numbers go back and
    # sorts its groups at flush; a small SEGMENT_RECORDS splits the full build.
    monkeypatch.setattr(build, "MERGE_AT_SEGMENTS", 2)
    monkeypatch.setattr(build, "SEGMENT_RECORDS", 400)
    stock_corpus = tmp_path / "stock-corpus"
    shutil.copytree(corpus_copy, stock_corpus)
    _update_twice(corpus_copy, tmp_path / "ours", taxonomy)
    monkeypatch.setattr(build, "SegmentFlushWriter", SegmentWriter)
    _update_twice(stock_corpus, tmp_path / "stock", taxonomy)
    assert len(list(f.current_generation(tmp_path / "ours").glob("*.pst"))) >= 2
    _same_index(tmp_path / "ours", tmp_path / "stock")


def test_pool_yields_postings_in_whoosh_order():
    pool = GroupedPostingPool()
    items = [("text", b"b", 3, 1.0, b"x"), ("text", b"a", 1, 2.0, b"y"),
             ("kind", b"p", 0, 1.0, None), ("text", b"b", 1, 1.0, b"z")]
    for item in items:
        pool.add(item)
    assert list(pool.iter_postings()) == sorted(items)


def test_records_with_whoosh_extras_take_the_stock_path(tmp_path):
    # A per-field boost key is a Whoosh feature our add_document leaves to Whoosh's own.
    records = [{f.KIND: "p", f.PASSAGE_ID: "a", f.TEXT_FIELD: ["audit", "plan", "audit"]},
               {f.KIND: "p", f.PASSAGE_ID: "b", f.TEXT_FIELD: ["audit"], "_text_boost": 2.0},
               {f.KIND: "p", f.PASSAGE_ID: "c", f.TEXT_FIELD: "plan of audit"}]
    for name, writer_class in (("ours", SegmentFlushWriter), ("stock", SegmentWriter)):
        (tmp_path / name).mkdir()
        writer = writer_class(whoosh_index.create_in(tmp_path / name, f.build_schema()))
        for record in records:
            writer.add_document(**record)
        writer.commit()
    postings = _postings(tmp_path / "ours")
    assert ("text", b"audit") in {(p[0], p[1]) for p in postings}
    assert postings == _postings(tmp_path / "stock")
    weights = {p[1]: [w for _, w, _ in p[7]] for p in postings if p[0] == "text"}
    assert weights[b"audit"] == [2.0, 2.0, 1.0]    # "a" twice; "b" once, boosted x2; "c" once
