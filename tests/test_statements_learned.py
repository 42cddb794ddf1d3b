"""The learned statement model, the document's speaker, due dates with periods, sentence
splitting: on texts written here (English and Ukrainian), files in tmp dirs, the shipped model."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from indexer.doc_context import document_context
from indexer.due_dates import find_due, iso_prefix
from indexer.learning import statements as component
from indexer.learning.bundle import COMPONENTS, load_models
from indexer.learning.labels import GoldStatement, LabeledDoc
from indexer.learning.modelfile import MODELS_DIR
from indexer.readers import read_document
from indexer.records import ACTOR_BOTH, ACTOR_UKRAINE, ACTOR_US
from indexer.sentences import split_sentences
from indexer.statements import extract_statements
from indexer.taxonomy import default_taxonomy_path, load_taxonomy

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy(default_taxonomy_path())


@pytest.fixture(scope="module")
def shipped(taxonomy):
    return load_models(taxonomy, MODELS_DIR, ("statements",)).get("statements")


# --- due dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, doc_date, iso", [
    ("The training mission is extended through December 2026.", None, "2026-12"),
    ("The rotation runs 1 September 2023 - 29 February 2024 at the Yavoriv range.", None,
     "2024-02-29"),
    ("The depots will be audited by the end of 2025.", None, "2025-12"),
    ("The ministry will publish the plan by the end of the year.", "2024-05-02", "2024-12"),
    ("By the end of June, the working group will report to the co-chairs.", "2023-02-01", "2023-06"),
    ("The ministry will field the new system in 2027.", "2025-01-10", "2027"),
    ("Міністерство завершить аудит складів до кінця 2025 року.", None, "2025-12"),
    ("Сторони проведуть навчання протягом 2024 року.", None, "2024"),
    ("Уряд ухвалить порядок до 1 січня 2026 року.", None, "2026-01-01"),
    ("Програма діятиме з 2024 по 2026 рік.", None, "2026"),
    ("План погодять у липні 2024 року на саміті.", "2024-03-01", "2024-07"),
    ("Міноборони планує до кінця року укласти нові контракти.", "2025-04-11", "2025-12"),
    ("Звіт подається не пізніше 30.06.2025.", None, "2025-06-30"),
])
def test_due_dates_read_as_kbeval_reads_them(sentence, doc_date, iso):
    due = find_due(sentence, doc_date)
    assert due is not None and due.iso == iso
    assert iso_prefix(due.phrase) == iso          # the `due` column reads back to the same date


@pytest.mark.parametrize("sentence, doc_date", [
    ("In 2019 the two ministries held their first staff talks.", "2022-03-01"),
    ("The plan was approved on 12 May 2021.", "2021-05-13"),
    ("Сторони зустрілися у 2018 році у Києві.", "2020-01-01"),
])
def test_past_dates_are_no_deadline(sentence, doc_date):
    assert find_due(sentence, doc_date) is None


def test_extracted_due_of_a_period_is_its_end():
    (s,) = extract_statements("The Ministry of Defence will host the instructors "
                              "1 March 2025 – 31 August 2025.", "en")
    assert s.kind == "commitment" and iso_prefix(s.due) == "2025-08-31"


# --- sentences -----------------------------------------------------------------------------

def test_a_ukrainian_list_number_stays_with_its_item():
    text = "Сторони погодили таке. 1. Сторони проводитимуть консультації щороку. IV. Прикінцеві положення."
    assert split_sentences(text) == ["Сторони погодили таке.",
                                     "1. Сторони проводитимуть консультації щороку.",
                                     "IV. Прикінцеві положення."]
    (s,) = [s for s in extract_statements(text, "uk") if s.kind == "commitment"]
    assert s.text.startswith("1. Сторони") and s.actor == ACTOR_BOTH


def test_a_list_number_stays_with_its_item():
    text = "The Participants decide as follows. 2. The Participants will meet twice a year."
    assert split_sentences(text) == ["The Participants decide as follows.",
                                     "2. The Participants will meet twice a year."]


# --- the document's speaker ----------------------------------------------------------------

def _doc(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path, tmp_path)


REMARKS = """# Remarks by Secretary of Defense at the Training Group Ceremony

U.S. Department of Defense

Secretary of Defense remarks as delivered at the ceremony for the new training group.

We remain committed to the training of the Ukrainian instructors, and we will expand the
range programme next spring.
"""

MOD_NEWS = """# Міністерство оборони України відкрило новий навчальний центр

Міністерство оборони України

Заступник міністра оборони відкрив новий центр підготовки інструкторів.

Ми продовжимо розбудову мережі центрів підготовки до кінця 2026 року.
"""

JOINT = """# Joint Statement of the United States and Ukraine on Defense Industrial Cooperation

The United States and Ukraine held the second round of defense industry talks in Kyiv.

We commit to deepening cooperation on co-production of ammunition and spare parts.
"""


@pytest.mark.parametrize("name, text, lang, speaker", [
    ("remarks.md", REMARKS, "en", ACTOR_US),
    ("mod-news.md", MOD_NEWS, "uk", ACTOR_UKRAINE),
    ("joint.md", JOINT, "en", ACTOR_BOTH),
])
def test_first_person_statements_belong_to_the_documents_speaker(tmp_path, name, text, lang,
                                                                 speaker, shipped):
    doc = _doc(tmp_path, name, text)
    ctx = document_context(doc)
    assert ctx.speaker == speaker and ctx.lang == lang
    first_person = doc.blocks[-1].text
    for model in (None, shipped):          # the rules and the learned actor model agree
        found = [s for s in extract_statements(first_person, lang, context=ctx, model=model)
                 if s.kind in ("commitment", "decision")]
        assert found and all(s.actor == speaker for s in found), (model, found)


def test_without_the_context_a_first_person_commitment_has_no_actor():
    (s,) = extract_statements("We remain committed to the training of the instructors.", "en")
    assert s.kind == "commitment" and s.actor is None


# --- the learned model ---------------------------------------------------------------------

def test_shipped_model_is_registered_small_and_fast(taxonomy):
    assert "statements" in COMPONENTS
    path = MODELS_DIR / "statements.json"
    assert path.stat().st_size < 2_000_000
    start = time.perf_counter()
    model = load_models(taxonomy, MODELS_DIR, ("statements",)).get("statements")
    assert time.perf_counter() - start < 0.5
    assert isinstance(model, component.StatementModel)
    assert model.rule_threshold <= model.threshold


@pytest.mark.parametrize("sentence, lang, kind, actor", [
    ("Міністерство оборони України та Міністерство оборони США підписали меморандум про "
     "співпрацю у сфері оборонних закупівель.", "uk", "decision", ACTOR_BOTH),
    ("Міністерство оборони України забезпечить облік пального на всіх складах.", "uk",
     "commitment", ACTOR_UKRAINE),
    ("The Department of Defense will provide an additional $300 million in training "
     "equipment for the Armed Forces of Ukraine.", "en", "commitment", ACTOR_US),
])
def test_shipped_model_finds_clear_statements_in_both_languages(shipped, sentence, lang, kind,
                                                                actor):
    (s,) = extract_statements(sentence, lang, model=shipped, passage_no=1)
    assert (s.kind, s.actor) == (kind, actor)


def test_shipped_model_keeps_actions_and_figures(shipped):
    action = "Action: Main Directorate of Logistics to deliver the schedule by 31 March 2026."
    figure = "The warehouse holds 40 vehicles awaiting repair."
    assert [s.kind for s in extract_statements(action, "en", model=shipped)] == ["action"]
    assert [s.kind for s in extract_statements(figure, "en", model=shipped)] in (["figure"], [])


_EN = [("The Ministry of Defence will {v} the {o} by {d}.", "commitment"),
       ("The co-chairs agreed to {v} the {o}.", "decision"),
       ("The weather in {d} was cold and the {o} looked grey.", None),
       ("Officials visited the {o} to see how work is going.", None)]
_VERBS = ["review", "expand", "publish", "fund", "audit", "modernise"]
_OBJECTS = ["depot network", "training range", "fuel ledger", "repair plan", "radar site",
            "logistics school"]


def _labeled(tmp_path: Path, n: int, publisher: str) -> LabeledDoc:
    """Write one document of template sentences and return it with its gold statements."""
    sentences, gold = [], []
    for i, (template, kind) in enumerate(_EN):
        text = template.format(v=_VERBS[(n + i) % 6], o=_OBJECTS[(n * 2 + i) % 6],
                               d=f"{1 + n % 28} March {2020 + n % 6}")
        sentences.append(text)
        if kind:
            actor = ACTOR_UKRAINE if kind == "commitment" else ACTOR_BOTH
            gold.append(GoldStatement(text, kind, actor))
    path = tmp_path / f"{n:03d}.md"
    path.write_text(f"# Note {n}\n\n" + "\n\n".join(sentences) + "\n", encoding="utf-8")
    return LabeledDoc(key=f"{n:03d}", name=f"{n:03d}-note.txt", corpus_path=path,
                      header={"source": publisher, "lang": "en"}, raw_text="", loe=(),
                      principle=(), statements=tuple(gold))


def test_training_is_deterministic_and_learns_the_pattern(tmp_path, taxonomy):
    docs = [_labeled(tmp_path, n, f"publisher {n % 5}") for n in range(20)]
    first = json.dumps(component.train(docs, taxonomy), sort_keys=True)
    assert json.dumps(component.train(docs, taxonomy), sort_keys=True) == first
    model = component.from_payload(json.loads(first))
    figures = component.evaluate_folds([(model, docs)], taxonomy)
    assert figures["recall"] >= 0.9 and figures["precision"] >= 0.9
    assert figures["kind_accuracy"] == 1.0 and figures["actor_accuracy"] >= 0.9
    assert set(figures) >= {"recall", "precision", "kind_accuracy", "actor_accuracy",
                            "due_accuracy", "amount_accuracy"}


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not checked out")
def test_ukrainian_documents_yield_statements(taxonomy, shipped):
    from indexer.learning.labels import load_labels
    docs = [d for d in load_labels(SHARED / "eval-train", taxonomy)
            if d.lang == "uk" and d.statements]
    assert docs
    found = sum(len(component.rows_of(d, shipped)) for d in docs)
    assert found >= len(docs) // 2


@pytest.mark.parametrize("sentence, kind", [
    ("Міністерство оборони та партнери домовились про спільні закупівлі пального.", "decision"),
    ("Президент увів у дію рішення про нову структуру сил оборони.", "decision"),
    ("На засіданні був схвалений план реформування військової освіти.", "decision"),
    ("Міністр доручив департаменту підготувати зміни до порядку закупівель.", "decision"),
    ("Генеральний штаб планує розгорнути ще два навчальні центри.", "commitment"),
    ("The agency plans to open two more repair hubs next year.", "commitment"),
])
def test_ukrainian_and_english_verb_forms_the_rules_read(sentence, kind):
    from indexer.statements import classify_sentence
    assert classify_sentence(sentence) == kind
