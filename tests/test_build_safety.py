"""A bug of ours, an empty corpus folder or a build that drops most documents never empties
the index: the build stops with a clear message and CURRENT stays where it was."""
from __future__ import annotations

import errno
import shutil
import zipfile
from pathlib import Path

import pytest

import indexer.build as build
import indexer.readers.document as document
from indexer import schema as f
from indexer.build import BuildRefused, build_index
from indexer.records import Marking
from search.kb import KnowledgeBase
from search.query import SearchRequest
from tests.conftest import TEST_CORPUS


def _hits(index: Path, taxonomy, text: str = "") -> list[str]:
    kb = KnowledgeBase(index, taxonomy)
    res = kb.search(SearchRequest(text=text, per_page=100, sort="newest"), Marking.RESTRICTED)
    return sorted(h.path for h in res.hits)


def _bug(*args, **kwargs):
    raise TypeError("injected bug in metadata inference")


@pytest.fixture
def indexed(tmp_path, corpus_copy, taxonomy) -> Path:
    """An index of a copy of tests/corpus."""
    index = tmp_path / "index"
    build_index(corpus_copy, index, taxonomy)
    return index


def test_a_bug_in_metadata_inference_aborts_a_rebuild_and_the_old_index_answers(
        indexed, corpus_copy, taxonomy, monkeypatch):
    before_gen = f.current_generation(indexed)
    before = _hits(indexed, taxonomy)
    assert before
    monkeypatch.setattr(document, "_doc_meta", _bug)   # the workers are forked: they see it
    with pytest.raises(TypeError, match="injected bug"):
        build_index(corpus_copy, indexed, taxonomy, rebuild=True)
    assert f.current_generation(indexed) == before_gen
    assert [p.name for p in indexed.glob("gen-*")] == [before_gen.name]   # the new one is gone
    assert _hits(indexed, taxonomy) == before


def test_a_bug_in_an_incremental_build_deletes_nothing(indexed, corpus_copy, taxonomy,
                                                       monkeypatch):
    before = _hits(indexed, taxonomy)
    changed = sorted(corpus_copy.glob("*.md")) + sorted(corpus_copy.glob("*.txt"))
    for path in changed:
        path.write_text(path.read_text(encoding="utf-8") + "\n\nOne more line.\n",
                        encoding="utf-8")
    monkeypatch.setattr(document, "_doc_meta", _bug)
    with pytest.raises(TypeError, match="injected bug"):
        build_index(corpus_copy, indexed, taxonomy)
    assert _hits(indexed, taxonomy) == before
    monkeypatch.undo()
    report = build_index(corpus_copy, indexed, taxonomy)     # the next run picks them up
    assert report.updated == len(changed) and not report.removed


def test_hostile_parser_input_is_still_a_failure_of_that_file(tmp_path, taxonomy):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.md").write_text("# Fine\n\nA readable note about logistics.\n",
                                  encoding="utf-8")
    with zipfile.ZipFile(corpus / "odd.docx", "w") as zf:     # a package python-docx rejects
        zf.writestr("word/document.xml", "<w:document xmlns:w='urn:x'><w:body/></w:document>")
    report = build_index(corpus, tmp_path / "index", taxonomy)
    assert report.indexed == 1
    assert [x.path for x in report.failed] == ["odd.docx"]


@pytest.mark.parametrize("how", ["empty", "missing"])
def test_an_empty_or_missing_corpus_folder_changes_nothing(indexed, corpus_copy, taxonomy,
                                                           how):
    before_gen, before = f.current_generation(indexed), _hits(indexed, taxonomy)
    shutil.rmtree(corpus_copy)
    if how == "empty":
        corpus_copy.mkdir()
    for rebuild in (False, True):
        with pytest.raises(BuildRefused, match="--force"):
            build_index(corpus_copy, indexed, taxonomy, rebuild=rebuild)
    assert f.current_generation(indexed) == before_gen
    assert _hits(indexed, taxonomy) == before


def test_force_empties_the_index_when_asked(indexed, corpus_copy, taxonomy):
    shutil.rmtree(corpus_copy)
    corpus_copy.mkdir()
    report = build_index(corpus_copy, indexed, taxonomy, force=True)
    assert report.removed > 0
    assert _hits(indexed, taxonomy) == []


def test_a_build_that_would_drop_most_documents_is_refused(indexed, corpus_copy, taxonomy):
    before = _hits(indexed, taxonomy)
    files = sorted(p for p in corpus_copy.rglob("*") if p.is_file()
                   and not p.name.endswith(".meta.yaml"))
    for path in files[: len(files) // 2 + 2]:
        path.unlink()
    with pytest.raises(BuildRefused, match="would remove or fail"):
        build_index(corpus_copy, indexed, taxonomy)
    with pytest.raises(BuildRefused, match="would remove or fail"):
        build_index(corpus_copy, indexed, taxonomy, rebuild=True)
    assert _hits(indexed, taxonomy) == before
    report = build_index(corpus_copy, indexed, taxonomy, force=True)
    assert report.removed == len(files) // 2 + 2 or report.removed >= len(files) // 2


def test_a_build_that_would_fail_most_documents_is_refused(indexed, corpus_copy, taxonomy):
    before = _hits(indexed, taxonomy)
    texts = sorted(p for p in corpus_copy.rglob("*") if p.suffix in (".md", ".txt", ".html"))
    assert len(texts) * 2 > len(before)
    for path in texts:
        path.write_bytes(b"not UTF-8 \x80\x81\xc3 text")       # every one fails to decode
    with pytest.raises(BuildRefused, match="would remove or fail"):
        build_index(corpus_copy, indexed, taxonomy)
    assert _hits(indexed, taxonomy) == before


def test_the_cli_refuses_an_empty_corpus_and_says_force(runner, tmp_path, indexed, taxonomy):
    empty = tmp_path / "empty"
    empty.mkdir()
    before = _hits(indexed, taxonomy)
    result = runner.invoke(args=["index", "--corpus", str(empty), "--index", str(indexed)])
    assert result.exit_code != 0 and "is empty" in result.output and "--force" in result.output
    assert _hits(indexed, taxonomy) == before
    result = runner.invoke(args=["index", "--corpus", str(empty), "--index", str(indexed),
                                 "--force"])
    assert result.exit_code == 0, result.output
    assert _hits(indexed, taxonomy) == []


def test_the_shipped_corpus_indexes_with_zero_failures(tmp_path, taxonomy):
    corpus = TEST_CORPUS.parent.parent / "corpus"
    report = build_index(corpus, tmp_path / "index", taxonomy)
    assert report.failed == ()
    assert report.indexed == sum(1 for p in corpus.rglob("*") if p.is_file()
                                 and not p.name.startswith(".")
                                 and not p.name.endswith(".meta.yaml"))


def test_running_out_of_file_handles_is_not_damage_that_triggers_a_rebuild(
        indexed, corpus_copy, taxonomy, monkeypatch):
    gen = f.current_generation(indexed)
    real, calls = build._indexed_ids, []

    def emfile_once(searcher):            # the damage check's read hits EMFILE
        calls.append(1)
        if len(calls) == 1:
            raise OSError(errno.EMFILE, "Too many open files")
        return real(searcher)

    monkeypatch.setattr(build, "_indexed_ids", emfile_once)
    with pytest.raises(OSError, match="Too many open files"):
        build_index(corpus_copy, indexed, taxonomy)
    assert f.current_generation(indexed) == gen
