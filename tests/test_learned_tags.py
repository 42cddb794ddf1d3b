"""The learned document tagger (indexer/learning/tags.py): training, evidence, wiring, fallback."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from indexer.learning import tags as learned
from indexer.learning.labels import load_labels
from indexer.learning.modelfile import save_model
from indexer.learning.bundle import attach_models, load_models, models_of
from indexer.learning.modelfile import ModelError, model_path
from indexer.passages import split_passages
from indexer.readers import read_document
from indexer.records import TagDef
from indexer.scan import CorpusFile
from indexer.tagging import tag_document, tag_passage
from indexer.taxonomy import compile_taxonomy, default_taxonomy_path, load_taxonomy
from indexer.worker import analyze_document
from web.shaping import tag_text

# Invented wording: the partner paying from its treasury is not one of the taxonomy's cues,
# so only a learned weight can tie it to mutual-investment.
PAYS = ["The ministry will pay half of every workshop from its national treasury.",
        "Kyiv pays the larger part of the depot from the national treasury this year.",
        "Treasury money from the ministry covers most of the new simulator.",
        "The national treasury pays for the barracks, the partner adds the rest."]
OTHER = ["The committee met on a rainy Tuesday and read the agenda aloud.",
         "A brass band played while the delegates walked to the hall.",
         "Lunch was served in the garden beside the old library.",
         "The weather was mild and the trains ran on time."]
AIR = ["Air defense batteries were delivered to protect the cities.",
       "Crews trained on the new radars and the interceptor missiles."]


def _doc(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))


def _write_labels(folder: Path) -> Path:
    """Write a labels folder of invented documents from three publishers; return it."""
    gold = {}
    (folder / "docs").mkdir(parents=True)
    (folder / "corpus").mkdir()
    plans = []
    for n in range(12):
        pays = n % 3 == 0
        body = ([*PAYS[n % 4:], *PAYS[:n % 4]] if pays else []) + OTHER[n % 4:] + OTHER[:n % 4] + AIR
        plans.append((f"{n + 1:03d}", pays, body, ["Alpha Ministry", "Beta Agency", "Gamma Office"][n % 3]))
    for key, pays, body, source in plans:
        name = f"{key}-invented.txt"
        text = f"Meeting note {key}\n\n" + _doc(body)
        (folder / "docs" / name).write_text(
            f"---\ntitle: Meeting note {key}\nsource: {source}\nlang: en\n---\n{text}", encoding="utf-8")
        (folder / "corpus" / f"{key}.txt").write_text(text, encoding="utf-8")
        gold[name] = {"loe": ["defense-capability"],
                      "principle": ["mutual-investment"] if pays else [], "type": "minutes",
                      "evidence": {"mutual-investment": body[0]} if pays else {}}
    (folder / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(default_taxonomy_path())


def _train(labels: Path, taxonomy, models: Path) -> Path:
    """Train the tags component alone on a deliberately small folder (below `flask train`'s
    minimum examples per tag) and write its model file; return the file."""
    payload = learned.train(load_labels(labels, taxonomy), taxonomy)
    return save_model("tags", learned.classes(taxonomy), payload, {}, models)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, taxonomy):
    """A model trained on the invented labels folder, written to its own models dir."""
    root = tmp_path_factory.mktemp("learned")
    labels = _write_labels(root / "labels")
    _train(labels, taxonomy, root / "models")
    return root, attach_models(taxonomy, root / "models", ("tags",))


def _parse(path: Path, taxonomy):
    doc = dataclasses.replace(read_document(path, path.parent), doc_id="x", path=path.name)
    file = CorpusFile(path, path.name, "x", path.stat().st_size, path.stat().st_mtime_ns, None)
    return analyze_document(doc, taxonomy, "0" * 64, file)


NEW_TEXT = ("Planning note\n\nThe ministry pays for the new range from the national treasury, "
            "and half of the hangar too. The band played in the garden.\n\n"
            "The treasury also pays for the fuel depot. Lunch was served beside the library.")


def test_learned_weight_tags_text_the_cues_miss(trained, tmp_path):
    """A text about the partner paying from its treasury gets mutual-investment from learned
    term weights; the cue rules alone do not give it."""
    _, with_model = trained
    path = tmp_path / "new.txt"
    path.write_text(NEW_TEXT, encoding="utf-8")
    rules = _parse(path, load_taxonomy(default_taxonomy_path()))
    model = _parse(path, with_model)
    assert "mutual-investment" not in {t.tag for t in rules.tags}
    assert "mutual-investment" in {t.tag for t in model.tags}


def test_evidence_sentences_belong_to_the_document_and_explain_the_tag(trained, tmp_path):
    _, with_model = trained
    path = tmp_path / "new.txt"
    path.write_text(NEW_TEXT, encoding="utf-8")
    parsed = _parse(path, with_model)
    hit = next(t for t in parsed.tags if t.tag == "mutual-investment")
    passages = {p.passage_id: p for p in parsed.passages}
    assert hit.evidence
    for e in hit.evidence:
        passage = passages[e.passage_id]
        assert passage.text[e.start:e.end] == e.text
        assert "treasury" in e.text.lower() and e.cue.startswith("model: ")
        # the passage holding a document tag's evidence carries that tag
        assert "mutual-investment" in passage.tag_ids("principle")
    assert all("garden" not in e.text for e in hit.evidence)
    # no passage carries a tag its document lacks
    doc_tags = {t.tag for t in parsed.tags}
    assert all(set(p.tag_ids("loe") + p.tag_ids("principle")) <= doc_tags for p in parsed.passages)


def test_evidence_quote_is_located_in_the_indexers_sentences(taxonomy, tmp_path):
    """A gold evidence quote (wording slightly off) is found in the sentence holding most of
    its terms; a quote sharing too few terms is found nowhere."""
    path = tmp_path / "q.txt"
    path.write_text(_doc(PAYS + OTHER), encoding="utf-8")
    from indexer.learning.tagfeatures import sentence_rows
    from indexer.tagging import cue_passage
    doc = read_document(path, path.parent)
    cues = [cue_passage(p.text, taxonomy, "en") for p in split_passages(doc)]
    rows = sentence_rows(cues, [t.id for t in compile_taxonomy(taxonomy).topics.tags])
    key = learned._locate("Kyiv pays the larger part of the depot from its treasury", rows)
    i, s = key
    a, b = cues[i].sentences[s]
    assert cues[i].text[a:b].startswith("Kyiv pays the larger part")
    assert learned._locate("A marching orchestra in the square", rows) is None


def test_sentence_classifier_is_learned_from_the_evidence(trained):
    """The model file holds a sentence classifier for a tag with evidence quotes; it scores a
    new sentence about the partner's treasury paying above an unrelated one."""
    root, _ = trained
    payload = json.loads((root / "models" / "tags.json").read_text(encoding="utf-8"))
    payload = payload.get("model", payload)
    entry = next(t for t in payload["tags"] if t["tag"] == "mutual-investment")
    assert entry["sentence"] and entry["sentence"]["weights"]
    m = learned.from_payload(payload).tags
    sm = next(t for t in m if t.tag == "mutual-investment").sentence
    assert sm.score({"w:treasury": 1.0, "w:pays": 1.0}) > sm.score({"w:garden": 1.0, "w:lunch": 1.0})
    assert any(k.startswith("s:") for k in entry["weights"])


def test_sentence_model_share_goes_to_the_sentences_it_rated_best():
    """The sentence-classifier features' share of a tag's score is credited to the best
    sentence (s:max) and split over the best two (s:top2), so they can lead the evidence."""
    from indexer.learning.linear import LinearModel
    from indexer.learning.tagmodel import _add_sentence_model
    contrib = {(0, 0): 0.5, (0, 1): 0.2}
    m = LinearModel({"s:max": 1.0, "s:top2": 2.0}, 0.0)
    named = _add_sentence_model(contrib, m, {"s:max": 3.0, "s:top2": 1.0}, [(1, 0), (0, 1)])
    assert contrib[(1, 0)] == pytest.approx(4.0)
    assert {name for _, name in named[(1, 0)]} == {"sentence model"}
    assert contrib[(0, 1)] == pytest.approx(1.2)
    assert contrib[(0, 0)] == 0.5 and (0, 0) not in named


def test_pasted_text_uses_the_same_model(trained, taxonomy):
    _, with_model = trained
    text = NEW_TEXT.split("\n\n", 1)[1]
    got = tag_text(text, with_model, "en")
    assert "mutual-investment" in [t["id"] for t in got["principle"]]
    assert "mutual-investment" not in [t["id"] for t in tag_text(text, taxonomy, "en")["principle"]]
    for t in got["principle"]:
        for e in t["evidence"]:
            assert text[e["start"]:e["end"]] == e["text"]


def test_training_twice_gives_identical_files(tmp_path, taxonomy):
    labels = _write_labels(tmp_path / "labels")
    a = _train(labels, taxonomy, tmp_path / "a")
    b = _train(labels, taxonomy, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()


def test_model_for_another_taxonomy_is_refused(trained, taxonomy):
    root, _ = trained
    extra = TagDef(id="space-cooperation", name="Space", group="loe", definition="", cues=())
    edited = dataclasses.replace(taxonomy, loe=(*taxonomy.loe, extra))
    with pytest.raises(ModelError, match=r"taxonomy has space-cooperation which the model lacks"
                                         r".*Retrain"):
        load_models(edited, root / "models", ("tags",))


def test_without_a_model_documents_get_the_rule_aggregation(trained, tmp_path, taxonomy):
    path = tmp_path / "new.txt"
    path.write_text(NEW_TEXT + "\n\nAir defense batteries were delivered to protect the cities. "
                    "Air defense crews trained on radars and interceptors.", encoding="utf-8")
    assert models_of(taxonomy).get("tags") is None
    parsed = _parse(path, taxonomy)
    compiled = compile_taxonomy(taxonomy)
    passages = split_passages(read_document(path, path.parent))
    hits = [tag_passage(p.text, compiled, "en") for p in passages]
    assert parsed.tags == tag_document(hits, compiled, [f"x#{p.n}" for p in passages])
    assert [p.tags for p in parsed.passages] == hits
    assert all(not e.cue.startswith("model:") for t in parsed.tags for e in t.evidence)


def test_shipped_model_matches_the_taxonomy_and_is_small(taxonomy):
    path = model_path("tags")
    assert path.stat().st_size < 2_000_000
    runtime = models_of(attach_models(taxonomy)).get("tags")
    assert {t.tag for t in runtime.tags} == set(learned.classes(taxonomy))


def test_scoring_respects_ignore_lists(tmp_path, taxonomy):
    """A tag in a document's `ignore` list counts neither as found nor as missed."""
    docs = load_labels(_write_labels(tmp_path / "labels"), taxonomy)
    ignored = dataclasses.replace(docs[0], ignore=("mutual-investment",))
    perfect = [(d, set(d.loe) | set(d.principle)) for d in (ignored, *docs[1:])]
    wrong_on_ignored = [(ignored, {"defense-capability"}), *perfect[1:]]
    assert learned.score_tags(wrong_on_ignored, taxonomy)["f1:mutual-investment"] == 1.0
    assert learned.score_tags([(docs[0], {"defense-capability"}), *perfect[1:]],
                              taxonomy)["f1:mutual-investment"] < 1.0
    assert learned.score_tags([(docs[1], set())], taxonomy)["docs_without_loe"] == 1
