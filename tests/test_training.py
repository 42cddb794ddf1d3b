"""Retraining: labels folders are checked, bad input keeps the shipped models, corrections count."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app import create_app
from indexer.learning.corrections import corrected_documents
from indexer.learning.folds import grouped_folds, publisher_of
from indexer.learning.labels import LabelsError, load_labels
from indexer.learning.bundle import COMPONENTS
from indexer.learning.modelfile import MODELS_DIR, ModelError
from indexer.learning.train import MIN_EXAMPLES, check_labels
from indexer.build import build_index
from indexer.learning.bundle import attach_models
from indexer.readers import make_doc_id
from indexer.records import DocMeta, IndexedDocument, Marking, TagHit
from indexer.taxonomy import default_taxonomy_path, load_taxonomy
from tests.labels_folder import write_labels_folder
from web.auth import stores
from web.training import is_train_invocation


@pytest.fixture
def labels(tmp_path) -> Path:
    return write_labels_folder(tmp_path / "labels")


@pytest.fixture
def shipped(tmp_path) -> Path:
    """A copy of the shipped models folder."""
    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    return models


def _unchanged(models: Path) -> bool:
    return all((models / p.name).read_bytes() == p.read_bytes() for p in MODELS_DIR.glob("*.json"))


def _train(tmp_path, models: Path, *folders: Path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "no-index"),
                      "CORPUS_DIR": str(tmp_path / "no-corpus"), "DATA_DIR": str(tmp_path / "data"),
                      "MODELS_DIR": str(models)})
    args = ["train", "--no-corrections"] + [a for f in folders for a in ("--labels", str(f))]
    return app.test_cli_runner().invoke(args=args)


def test_a_labels_folder_loads_with_publishers_and_gold(labels, taxonomy):
    docs = load_labels(labels, taxonomy)
    assert len(docs) == 24
    assert docs[0].corpus_path.name == "001.txt" and docs[0].title.startswith("Fictional")
    assert docs[0].statements[0].due == "2027-03-01"
    assert {d.publisher for d in docs} == {"ministry of samples", "office of examples",
                                           "fictional gazette", "test herald"}


def test_folds_keep_each_publisher_in_one_test_fold(labels, taxonomy):
    docs = load_labels(labels, taxonomy)
    folds = grouped_folds(docs, [d.publisher for d in docs], 3)
    seen = [d.publisher for _, test in folds for d in (docs[i] for i in test)]
    assert sorted(seen) == sorted(d.publisher for d in docs)        # every document once
    for train, test in folds:
        assert not {docs[i].publisher for i in train} & {docs[i].publisher for i in test}


def test_publisher_ignores_republishers_and_notes():
    assert publisher_of("U.S. Department of Defense (DoD News), republished by x.com") == \
        "u.s. department of defense"
    assert publisher_of("USAID (press release republished by India Education Diary)") == "usaid"


def test_malformed_gold_file_is_named_and_the_model_is_kept(tmp_path, labels, shipped):
    (labels / "gold.json").write_text("{not json", encoding="utf-8")
    result = _train(tmp_path, shipped, labels)
    assert result.exit_code != 0
    assert "gold.json: not valid JSON" in result.output and "models were not changed" in result.output
    assert _unchanged(shipped)


def test_unknown_tag_id_names_the_document_and_the_id(tmp_path, labels, shipped):
    gold = json.loads((labels / "gold.json").read_text(encoding="utf-8"))
    first = sorted(gold)[0]
    gold[first]["loe"] = ["defence-capability"]                       # misspelt id
    (labels / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    result = _train(tmp_path, shipped, labels)
    assert result.exit_code != 0
    assert first in result.output and "unknown loe id(s) defence-capability" in result.output
    assert _unchanged(shipped)


def test_too_few_examples_of_a_tag_is_refused(tmp_path, labels, shipped, taxonomy):
    gold = json.loads((labels / "gold.json").read_text(encoding="utf-8"))
    for g in gold.values():
        g["principle"] = [p for p in g["principle"] if p != "mutual-investment"]
    gold[sorted(gold)[0]]["principle"].append("mutual-investment")     # one example only
    (labels / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(LabelsError, match=r"mutual-investment \(1 with"):
        check_labels(load_labels(labels, taxonomy), taxonomy)
    result = _train(tmp_path, shipped, labels)
    assert result.exit_code != 0 and f"at least {MIN_EXAMPLES} documents" in result.output
    assert _unchanged(shipped)


def test_a_missing_corpus_file_is_named(tmp_path, labels, shipped):
    (labels / "corpus" / "005.txt").unlink()
    result = _train(tmp_path, shipped, labels)
    assert result.exit_code != 0 and "no file in corpus/ starting with 005" in result.output


def test_only_the_train_command_starts_with_mismatched_models():
    assert is_train_invocation(["flask", "--app", "app", "train", "--labels", "x"])
    assert is_train_invocation(["flask", "-A", "app", "--debug", "train"])
    assert not is_train_invocation(["flask", "--app", "app", "index", "--corpus", "train"])
    assert not is_train_invocation(["flask", "--app", "app", "run"])


def test_corrected_tags_become_labels(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("text", encoding="utf-8")
    doc = IndexedDocument("a.md", "a.md", "md", DocMeta(title="A"), "report",
                          (TagHit("sector-reform", "loe", 0.0), TagHit("mutual-investment", "principle", 0.0)),
                          1, "h")
    gone = IndexedDocument("b.md", "b.md", "md", DocMeta(title="B"), "report", (), 1, "h")
    (labeled,) = corrected_documents([doc, gone], corpus)
    assert labeled.loe == ("sector-reform",) and labeled.principle == ("mutual-investment",)
    assert labeled.corpus_path == corpus / "a.md" and labeled.doc_type is None


def test_train_writes_every_model_and_retraining_is_byte_identical(tmp_path, labels, shipped):
    first = _train(tmp_path, shipped, labels)
    assert first.exit_code == 0, first.output
    assert "trained on 24 labeled documents" in first.output
    again = tmp_path / "again"
    shutil.copytree(MODELS_DIR, again)
    assert _train(tmp_path, again, labels).exit_code == 0
    for name in COMPONENTS:
        assert (shipped / f"{name}.json").read_bytes() == (again / f"{name}.json").read_bytes()
        assert (shipped / f"{name}.json").read_bytes() != (MODELS_DIR / f"{name}.json").read_bytes()


def test_a_model_that_does_not_match_the_taxonomy_stops_the_start(tmp_path, shipped):
    data = json.loads((shipped / "tags.json").read_text(encoding="utf-8"))
    data["classes"] = [c for c in data["classes"] if c != "mutual-investment"]
    (shipped / "tags.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match=r"does not match the taxonomy: the taxonomy has "
                                         r"mutual-investment which the model lacks.*flask --app app train"):
        create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "MODELS_DIR": str(shipped)})


def test_tag_corrections_made_in_the_ui_are_training_examples(tmp_path, labels, shipped, corpus_copy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, attach_models(load_taxonomy(default_taxonomy_path())))
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus_copy),
                      "DATA_DIR": str(tmp_path / "data"), "MODELS_DIR": str(shipped)})
    doc_id = make_doc_id("logistics-working-group-minutes.md")
    assert app.extensions["kb"].record(doc_id, Marking.RESTRICTED)       # it is indexed
    with app.app_context():
        stores(app).corrections.correct_tag(doc_id, "principle", "mutual-investment", "add",
                                            "the partner co-funds it", "editor")
    result = app.test_cli_runner().invoke(args=["train", "--labels", str(labels)])
    assert result.exit_code == 0, result.output
    assert "and 1 corrected ones" in result.output
    trained = json.loads((shipped / "tags.json").read_text(encoding="utf-8"))["trained"]
    assert trained["corrected"] == 1 and trained["documents"] == 25
