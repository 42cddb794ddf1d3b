"""Learned document dates (component `dates`) and types (component `doctype`), on texts
written here, through the real readers, the real index and the real app."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app import create_app
from indexer.build import build_index
from indexer.dating import candidates
from indexer.learning import dates as dates_component
from indexer.learning import doctype as doctype_component
from indexer.learning.bundle import attach_models, load_models, models_of
from indexer.learning.labels import load_labels
from indexer.readers import read_document
from indexer.records import Block
from indexer.tagging import classify_type
from search.documents import date_label

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

RELEASE = """Partner Nation Announces New Security Assistance Package

FOR IMMEDIATE RELEASE

WASHINGTON, March 3, 2021 - The Department announced today a $250 million security assistance \
package for the partner nation, including air defense interceptors and training.

Since February 2014, the partners have received more than $2 billion in assistance. The \
agreement signed on 12 May 2009 remains in force.

Press Office contact: press@example.org
"""

TIMED = """Defence ministers meet partners on air defence

27 June 2024 - 16:23

The ministers met in the capital and discussed deliveries of interceptors and the repair of \
damaged radars.

The ministry first set out its air defence needs in March 2022.
"""

MINUTES = """Minutes of the Fourth Meeting of the Joint Working Group on Logistics

Participants: the co-chairs of the working group and representatives of both ministries.

Agenda item 1. Review of the action items from the previous meeting.
The co-chairs reviewed progress on the spare parts pipeline and discussed the maintenance backlog.

Agenda item 2. Next steps.
The group agreed to meet again in the autumn and to report to the steering committee.
"""

UGODA = """Угода між Міністерством оборони України та Міністерством оборони Партнера про \
співробітництво у сфері логістики

Київ, 14 квітня 2022 року

Враховуючи Меморандум від 12 березня 2015 року № 45, Сторони домовилися про таке:

Стаття 1
Сторони зобов'язуються розвивати співробітництво у сфері логістики та постачання.

Стаття 2
Ця Угода набирає чинності з дати її підписання.

За Міністерство оборони України
За Міністерство оборони Партнера
"""

NO_DATE = """Guidance on Handling Procurement Files

This note explains how procurement files are kept, who may read them and how long they are \
retained. Officers should store every file in the registry and record each transfer.
"""

STATED = """---
title: Working group notes
date: 2010-01-02
---

Working group notes

Kyiv, 5 May 2012

The working group reviewed the training schedule.
"""


@pytest.fixture(scope="module")
def models(taxonomy):
    return load_models(taxonomy)


def _read(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path, tmp_path)


def _features_of(text: str, iso: str) -> dict[str, float]:
    blocks = tuple(Block(t) for t in text.split("\n\n"))
    return next(c.features for c in candidates(blocks, None) if c.iso == iso)


# --- candidates and their features ------------------------------------------------------------


def test_candidate_features_tell_datelines_from_references():
    dateline = _features_of(TIMED, "2024-06-27")
    assert dateline["dateline"] and dateline["time_after"] and "range" not in dateline
    assert _features_of(RELEASE, "2014-02").get("ref_before") == 1.0
    cited = _features_of(UGODA, "2015-03-12")
    assert cited["recital"] and cited["number_after"] and cited["ref_before"]
    assert "recital" not in _features_of(UGODA, "2022-04-14")


def test_file_date_is_a_candidate_of_its_own():
    blocks = (Block("A note without dates"), Block("Some text."))
    (only,) = candidates(blocks, "2019-05-06")
    assert only.source == "file-metadata" and only.features["no_text_dates"] == 1.0
    assert candidates(blocks, None) == []


# --- the shipped date chooser ------------------------------------------------------------------


@pytest.mark.parametrize("name, text, want", [
    ("timed.txt", TIMED, "2024-06-27"),           # the rules took "- 16:23" for a range
    ("release.txt", RELEASE, "2021-03-03"),       # not "since February 2014" or the cited 2009
    ("ugoda.txt", UGODA, "2022-04-14"),           # not the memorandum "від ... № 45"
])
def test_learned_date_is_the_documents_own(tmp_path, models, name, text, want):
    doc = _read(tmp_path, name, text)
    meta = dates_component.choose_meta(models.get("dates"), doc.meta, doc.blocks)
    assert (meta.date, meta.date_source) == (want, "text")


def test_no_good_candidate_means_unknown(tmp_path, models):
    doc = _read(tmp_path, "note.txt", NO_DATE)
    meta = dates_component.choose_meta(models.get("dates"), doc.meta, doc.blocks)
    assert (meta.date, meta.date_source) == (None, "")


def test_stated_date_is_never_replaced(tmp_path, models):
    doc = _read(tmp_path, "stated.md", STATED)
    meta = dates_component.choose_meta(models.get("dates"), doc.meta, doc.blocks)
    assert (meta.date, meta.date_source) == ("2010-01-02", "front-matter")


def test_date_label_says_where_the_date_came_from():
    assert date_label("2014-09-04", "text") == "4 September 2014 (from the text)"
    assert date_label("2014-09", "file-metadata") == "September 2014 (from the file's metadata)"
    assert date_label("2014", "") == "2014"
    assert date_label(None, "") == "unknown"


# --- the shipped type classifier ---------------------------------------------------------------


@pytest.mark.parametrize("name, text, want", [
    ("release.txt", RELEASE, "announcement"),
    ("minutes.txt", MINUTES, "minutes"),
    ("ugoda.txt", UGODA, "agreement"),
])
def test_learned_type(tmp_path, models, taxonomy, name, text, want):
    doc = _read(tmp_path, name, text)
    got = models.get("doctype").predict(doc.meta.title, doc.text, doc.meta.lang, taxonomy)
    assert got == want


def test_type_cues_of_the_taxonomy_are_features(taxonomy):
    f = doctype_component.features("Minutes of the meeting", MINUTES, "en", taxonomy)
    assert f.get("cue:minutes", 0) > 0 and f.get("s:participants") and f.get("s:agenda")
    assert any(k.startswith("rule:") for k in f)


# --- end to end: index, page and JSON ----------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory, taxonomy):
    corpus = tmp_path_factory.mktemp("corpus")
    for name, text in (("release.txt", RELEASE), ("minutes.txt", MINUTES), ("timed.txt", TIMED),
                       ("note.txt", NO_DATE), ("stated.md", STATED)):
        (corpus / name).write_text(text, encoding="utf-8")
    index = tmp_path_factory.mktemp("index")
    attached = attach_models(taxonomy)
    assert models_of(attached).get("dates") is not None
    build_index(corpus, index, attached)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus),
                      "DATA_DIR": str(tmp_path_factory.mktemp("data"))})
    return app.test_client()


@pytest.mark.parametrize("doc_id, label, source", [
    ("timed.txt", "27 June 2024 (from the text)", "text"),
    ("stated.md", "2 January 2010 (stated in the document's metadata)", "front-matter"),
    ("note.txt", "unknown", ""),
])
def test_document_page_says_where_the_date_came_from(served, doc_id, label, source):
    page = BeautifulSoup(served.get(f"/documents/{doc_id}").get_data(as_text=True), "html.parser")
    cell = page.select_one("[data-date-source]")
    assert cell.get_text(strip=True) == label and cell["data-date-source"] == source
    data = served.get(f"/api/documents/{doc_id}").get_json()
    assert data["date_source"] == source


def test_indexed_type_comes_from_the_model(served, taxonomy):
    data = served.get("/api/documents/minutes.txt").get_json()
    assert data["type"] == "minutes"
    assert classify_type(data["title"], MINUTES, taxonomy) != "minutes", \
        "the written minutes must be a case the rules alone get wrong"


# --- training on the shared labels -------------------------------------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (labels) is not available")
def test_training_is_deterministic_and_scored_like_kbeval(taxonomy):
    docs = load_labels(SHARED / "eval-train", taxonomy)[:40]
    for module in (dates_component, doctype_component):
        one, two = module.train(docs, taxonomy), module.train(docs, taxonomy)
        assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    half = len(docs) // 2
    runtime = dates_component.from_payload(dates_component.train(docs[:half], taxonomy))
    figures = dates_component.evaluate_folds([(runtime, docs[half:])], taxonomy)
    assert {"date_accuracy", "date_abstain_rate", "rules_date_accuracy"} <= set(figures)
    runtime = doctype_component.from_payload(doctype_component.train(docs[:half], taxonomy))
    figures = doctype_component.evaluate_folds([(runtime, docs[half:])], taxonomy)
    assert "type_accuracy" in figures and any(k.startswith("type_acc:") for k in figures)


def test_shipped_model_files_are_small():
    for name in ("dates", "doctype"):
        assert (ROOT / "indexer" / "models" / f"{name}.json").stat().st_size < 2_000_000


def test_without_models_the_rules_still_decide(tmp_path, taxonomy):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "timed.txt").write_text(TIMED, encoding="utf-8")
    (corpus / "minutes.txt").write_text(MINUTES, encoding="utf-8")
    assert models_of(taxonomy).get("dates") is None
    build_index(corpus, index, taxonomy)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus),
                         "DATA_DIR": str(tmp_path / "data")}).test_client()
    timed = client.get("/api/documents/timed.txt").get_json()
    assert timed["date"] is None                       # the rules read "- 16:23" as a range
    minutes = client.get("/api/documents/minutes.txt").get_json()
    assert minutes["type"] == classify_type(minutes["title"], MINUTES, taxonomy)


def test_a_type_cue_added_to_the_taxonomy_moves_the_learned_type(tmp_path, models):
    from indexer.taxonomy import default_taxonomy_path, load_taxonomy
    text = default_taxonomy_path().read_text(encoding="utf-8")
    anchor = "  - id: report\n"
    head, sep, rest = text.partition(anchor)
    cues_at = rest.index("    cues:\n") + len("    cues:\n")
    edited = (head + sep + rest[:cues_at] +
              "      - phrases: [quillwork]\n        weight: 3\n        scope: title\n" + rest[cues_at:])
    path = tmp_path / "taxonomy.yaml"
    path.write_text(edited, encoding="utf-8")
    before, after = load_taxonomy(default_taxonomy_path()), load_taxonomy(path)
    title, body = "Quillwork on spare parts", "The working group looked at spare parts stocks."
    report = models.get("doctype").models["report"]
    score = {name: report.score(doctype_component.features(title, body, "en", tax))
             for name, tax in (("before", before), ("after", after))}
    assert score["after"] > score["before"] + 1.0


def test_a_malformed_file_date_is_ignored_not_fatal():
    blocks = (Block("A title"), Block("Kyiv, 5 May 2012"))
    assert [c.source for c in candidates(blocks, "May 2012")] == ["text"]
