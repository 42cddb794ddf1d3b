"""The tagger: cue matching, context rules, Ukrainian inflection, evidence spans, aggregation, types."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.records import Evidence, TagHit
from indexer.tagging import classify_type, split_sentences, tag_document, tag_passage
from indexer.taxonomy import compile_taxonomy, default_taxonomy_path, load_taxonomy
from tests.conftest import needs_shared

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "partner-concept.txt"
LOE = {"defense-capability", "sector-reform", "resource-management", "technology-cooperation"}
PRINCIPLES = {"enduring-partnership", "senior-engagement", "multinational-coordination",
              "mutual-investment", "effective-assistance"}


@pytest.fixture(scope="module")
def taxonomy():
    """The default taxonomy, compiled once for the module."""
    return compile_taxonomy(load_taxonomy(default_taxonomy_path()))


def tags_of(text: str, taxonomy, lang: str = "en") -> set[str]:
    """Return the tag ids assigned to one passage."""
    return {hit.tag for hit in tag_passage(text, taxonomy, lang)}


def assert_spans_hold(text: str, hits: tuple[TagHit, ...]) -> None:
    """Every evidence item must be the exact slice of `text` it claims to be."""
    for hit in hits:
        assert hit.evidence, hit.tag
        for ev in hit.evidence:
            assert text[ev.start:ev.end] == ev.text and ev.cue, (hit.tag, ev)


# --- context rules ----------------------------------------------------------------------

CONTEXT_CASES = [
    # audit, inspector general, anti-corruption, oversight: reform only in a defense context
    ("The audit of the Ministry of Defence procurement found weak controls.", "sector-reform", True),
    ("An audit of the World Bank social payments found weak controls.", "sector-reform", False),
    ("The inspector general of the armed forces will publish findings.", "sector-reform", True),
    ("The inspector general of the health ministry reviewed hospital spending.",
     "sector-reform", False),
    ("Anti-corruption safeguards in the defense sector were strengthened.", "sector-reform", True),
    ("Anti-corruption safeguards in customs were strengthened.", "sector-reform", False),
    ("Parliament expanded oversight of military intelligence.", "sector-reform", True),
    ("Parliament expanded oversight of the energy regulator.", "sector-reform", False),
    # training: of units is capability; of the system is reform; its management is resources
    ("Instructors completed the training of three brigades in combat medicine.",
     "defense-capability", True),
    ("Instructors completed the training of three brigades in combat medicine.",
     "sector-reform", False),
    ("The ministry will reform the training system and professional military education.",
     "sector-reform", True),
    ("The ministry will reform the training system and professional military education.",
     "defense-capability", False),
    ("A new training management process tracks courses for every unit.",
     "resource-management", True),
    # a bare mention of NATO is not multinational coordination
    ("Ukraine adopted NATO standards for its logistics doctrine.",
     "multinational-coordination", False),
    ("NATO allies and partners will coordinate assistance through the contact group.",
     "multinational-coordination", True),
    ("The NATO-Ukraine Commission met to coordinate support.", "multinational-coordination", True),
    # technology cooperation
    ("End-use monitoring of transferred items continues.", "technology-cooperation", True),
    ("New export control rules protect classified information.", "technology-cooperation", True),
    ("Companies discussed co-production and industry-to-industry cooperation.",
     "technology-cooperation", True),
    ("The conference focused on the defense industrial base.", "technology-cooperation", True),
    # resource management
    ("Defense budgeting and procurement reforms improve acquisition and logistics.",
     "resource-management", True),
    ("The army improved sustainment and manning of its units.", "resource-management", True),
    ("The plan is sustainable for the social sector.", "resource-management", False),
    # defense capability
    ("Deliveries of air defense systems strengthen deterrence.", "defense-capability", True),
    ("The exercises tested the readiness of the forces to protect territorial integrity.",
     "defense-capability", True),
    ("The government will exercise democratic civilian control of the armed forces.",
     "defense-capability", False),
    ("The package funds winter heating for displaced families.", "defense-capability", False),
    # sector reform
    ("Civilian control, transparency and accountability of the defense ministry improved.",
     "sector-reform", True),
    ("Interoperability with NATO standards requires institutional reform.", "sector-reform", True),
]


@pytest.mark.parametrize("text, tag, expected", CONTEXT_CASES)
def test_context_rules(taxonomy, text, tag, expected):
    assert (tag in tags_of(text, taxonomy)) is expected


PRINCIPLE_CASES = [
    ("We will support Ukraine for as long as it takes.", "enduring-partnership"),
    ("The two ministers reaffirmed their long-term strategic partnership.", "enduring-partnership"),
    ("Multi-year commitments replace crisis response.", "enduring-partnership"),
    ("Annual bilateral consultations and interim progress reviews will be co-chaired.",
     "senior-engagement"),
    ("At the meeting of ministers they reviewed progress and set priorities for next year.",
     "senior-engagement"),
    ("Allies and partners synchronize assistance across donors in the contact group.",
     "multinational-coordination"),
    ("The multinational commission coordinates assistance with other partners.",
     "multinational-coordination"),
    ("Ukraine's own investment and co-funding show shared responsibility.", "mutual-investment"),
    ("The partner takes national ownership and contributes its own resources.",
     "mutual-investment"),
    ("The concept does not obligate any additional funding but improves the effectiveness "
     "of ongoing security assistance programs.", "effective-assistance"),
    ("The United States has committed more than $2 billion in security assistance since 2014.",
     "effective-assistance"),
    ("Inspectors reviewed oversight of the security assistance delivered to Kyiv.",
     "effective-assistance"),
]


@pytest.mark.parametrize("text, tag", PRINCIPLE_CASES)
def test_principle_cues(taxonomy, text, tag):
    assert tag in tags_of(text, taxonomy)


def test_humanitarian_funding_amount_is_not_effective_assistance(taxonomy):
    text = "The fund has provided more than $300 million for food and shelter since 2022."
    assert "effective-assistance" not in tags_of(text, taxonomy)


# --- Ukrainian --------------------------------------------------------------------------

UK_CASES = [
    ("Закон посилює демократичний цивільний контроль над збройними силами.", "sector-reform"),
    ("Уряд посилює цивільного контролю над збройними силами.", "sector-reform"),
    ("Міністерство оборони спрощує процедури закупівель.", "resource-management"),
    ("Міністерство оборони оприлюднює дані про закупівлі озброєння.", "resource-management"),
    ("Партнери постачають засоби протиповітряної оборони.", "defense-capability"),
    ("Сторони розвивають спільне виробництво та оборонно-промисловий комплекс.",
     "technology-cooperation"),
    ("Країни підтвердили довгострокові зобов'язання щодо безпеки.", "enduring-partnership"),
    ("Країни підтвердили довгострокові зобов’язання щодо безпеки.", "enduring-partnership"),
    ("Відбулися двосторонні консультації з питань оборони.", "senior-engagement"),
    ("Міжнародні партнери та союзники координують допомогу.", "multinational-coordination"),
]


@pytest.mark.parametrize("text, tag", UK_CASES)
def test_ukrainian_inflected_forms_match(taxonomy, text, tag):
    assert tag in tags_of(text, taxonomy, lang="uk")


def test_ukrainian_procurement_outside_defense_is_not_tagged(taxonomy):
    assert "resource-management" not in tags_of("Лікарня оголосила закупівлі ліків.", taxonomy, "uk")


def test_ukrainian_cues_only_fire_for_ukrainian_passages(taxonomy):
    text = "Відбулися двосторонні консультації з питань оборони."
    assert "senior-engagement" not in tags_of(text, taxonomy, lang="en")


# --- evidence ---------------------------------------------------------------------------


def test_evidence_is_the_exact_sentence_of_the_passage(taxonomy):
    text = ("Background.\n\nThe U.S. and Ukraine held annual bilateral consultations.  "
            "Gen. J. Smith noted progress.\n• Allies and partners coordinate assistance.\n"
            "• The ministry improved defense procurement.")
    hits = tag_passage(text, taxonomy)
    assert_spans_hold(text, hits)
    by_tag = {h.tag: h for h in hits}
    assert by_tag["senior-engagement"].evidence[0].text == (
        "The U.S. and Ukraine held annual bilateral consultations.")
    assert by_tag["resource-management"].evidence[0] == Evidence(
        text="The ministry improved defense procurement.", start=text.index("The ministry"),
        end=len(text), cue="defense procurement")


def test_regex_evidence_shows_the_matched_words(taxonomy):
    text = "Washington has provided $1.5 billion in military assistance since 2015."
    hit = next(h for h in tag_passage(text, taxonomy) if h.tag == "effective-assistance")
    assert "$1.5 billion" in hit.evidence[0].cue and "re:" not in hit.evidence[0].cue


def test_evidence_is_limited_and_strongest_first(taxonomy):
    text = " ".join(["Air defense systems arrived."] * 5 + [
        "Air defense, artillery and ammunition deliveries improve deterrence."])
    hit = next(h for h in tag_passage(text, taxonomy) if h.tag == "defense-capability")
    assert len(hit.evidence) == 3
    assert hit.evidence[0].text.startswith("Air defense, artillery")


def test_tagging_is_deterministic_and_ordered_by_taxonomy(taxonomy):
    text = "Allies delivered air defense. Annual bilateral consultations reviewed progress."
    first = tag_passage(text, taxonomy)
    assert first == tag_passage(text, taxonomy)
    assert [h.tag for h in first] == ["defense-capability", "senior-engagement",
                                      "multinational-coordination"]
    assert [h.group for h in first] == ["loe", "principle", "principle"]


def test_tag_passage_accepts_an_uncompiled_taxonomy():
    raw = load_taxonomy(default_taxonomy_path())
    assert {h.tag for h in tag_passage("Deterrence and air defense.", raw)} == {"defense-capability"}


def test_empty_and_untagged_passages_give_no_tags(taxonomy):
    assert tag_passage("", taxonomy) == ()
    assert tag_passage("The weather was pleasant in the capital.", taxonomy) == ()


# --- sentences --------------------------------------------------------------------------


@pytest.mark.parametrize("text, sentences", [
    ("Secretary Lloyd J. Austin met Mr. Reznikov. They talked.",
     ["Secretary Lloyd J. Austin met Mr. Reznikov.", "They talked."]),
    ("The U.S. Department of Defense agreed. See No. 5 below!",
     ["The U.S. Department of Defense agreed.", "See No. 5 below!"]),
    ("Four lines of effort:\n\n• Improve defenses\n• Reform the sector",
     ["Four lines of effort:", "Improve defenses", "Reform the sector"]),
    ("A wrapped\nline stays one sentence. Next one", ["A wrapped\nline stays one sentence.",
                                                     "Next one"]),
    ("Уряд ухвалив рішення. Міністр оборони підписав наказ.",
     ["Уряд ухвалив рішення.", "Міністр оборони підписав наказ."]),
])
def test_split_sentences(text, sentences):
    assert [text[a:b] for a, b in split_sentences(text)] == sentences


# --- documents --------------------------------------------------------------------------


def test_one_stray_sentence_does_not_tag_a_document(taxonomy):
    passages = [
        "Allies delivered air defense systems and artillery to strengthen deterrence.",
        "Air defense interceptors and ammunition arrived ahead of the winter campaign.",
        "The brigades completed combat training with the new systems.",
        "Officials also noted that procurement rules for the army are under review.",
        "Deterrence depends on readiness and more air defense.",
    ]
    tags = [tag_passage(p, taxonomy) for p in passages]
    assert "resource-management" in {h.tag for h in tags[3]}
    doc = {h.tag for h in tag_document(tags, taxonomy)}
    assert "defense-capability" in doc and "resource-management" not in doc


def test_document_tag_keeps_best_three_evidence_items_with_passage_ids(taxonomy):
    passages = ["Air defense and deterrence.", "Artillery deliveries.", "Air defense radars.",
                "Ammunition deliveries and air defense."]
    tags = [tag_passage(p, taxonomy) for p in passages]
    ids = [f"doc#{n}" for n in range(len(passages))]
    hit = next(h for h in tag_document(tags, taxonomy, ids) if h.tag == "defense-capability")
    assert len(hit.evidence) == 3
    assert all(ev.passage_id in ids for ev in hit.evidence)
    assert hit.score == pytest.approx(sum(t[0].score * w for t, w in zip(tags, (1.5, 1.25, 1, 1))))


def test_first_passage_carries_more_weight(taxonomy):
    mention = "Ukraine adopted NATO standards."
    filler = "The weather was pleasant in the capital."
    early = [tag_passage(p, taxonomy) for p in (mention, filler, filler)]
    late = [tag_passage(p, taxonomy) for p in (filler, filler, mention)]
    assert "sector-reform" in {h.tag for h in tag_document(early, taxonomy)}
    assert "sector-reform" not in {h.tag for h in tag_document(late, taxonomy)}


def test_document_without_passage_ids_has_empty_passage_ids(taxonomy):
    tags = [tag_passage("Air defense and deterrence, artillery and ammunition.", taxonomy)]
    hit = tag_document(tags, taxonomy)[0]
    assert {ev.passage_id for ev in hit.evidence} == {""}
    assert tag_document([], taxonomy) == ()


def _seed_paragraphs() -> list[str]:
    """Return the seed's paragraphs: its wrapped lines joined, split at blank lines."""
    paragraphs, current = [], []
    for line in SEED.read_text(encoding="utf-8").split("\n\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


@needs_shared(SEED)
def test_seed_paragraphs_carry_every_line_of_effort_and_principle(taxonomy):
    """The partner concept itself must show all four lines of effort and five principles."""
    paragraphs = _seed_paragraphs()
    assert len(paragraphs) >= 3
    found: set[str] = set()
    for paragraph in paragraphs:
        hits = tag_passage(paragraph, taxonomy)
        assert_spans_hold(paragraph, hits)
        found |= {h.tag for h in hits}
    assert found >= LOE | PRINCIPLES
    doc = {h.tag for h in tag_document([tag_passage(p, taxonomy) for p in paragraphs], taxonomy)}
    assert doc >= LOE | PRINCIPLES


# --- document types ---------------------------------------------------------------------


@pytest.mark.parametrize("title, expected", [
    ("Joint Statement on the Strategic Partnership", "agreement"),
    ("U.S.-Ukraine Charter on Strategic Partnership", "agreement"),
    ("Memorandum of Understanding on Defense Cooperation", "agreement"),
    ("The U.S.-Ukraine Partner Concept", "agreement"),
    ("National Military Strategy 2030", "policy"),
    ("Law of Ukraine on National Security", "policy"),
    ("Defence Education Enhancement Programme", "policy"),
    ("Readout of the Secretary's Call with the Minister of Defense", "minutes"),
    ("Remarks at the Ukraine Defense Contact Group", "minutes"),
    ("Minutes of the Bilateral Defense Consultations", "minutes"),
    ("Defense Reform Roadmap 2025", "reform-plan"),
    ("Action Plan for Logistics Reform", "reform-plan"),
    ("Interim Progress Review Report", "report"),
    ("Evaluation of Enhanced End-Use Monitoring", "report"),
    ("Department Announces Additional Security Assistance for Ukraine", "announcement"),
    ("$500 Million Presidential Drawdown Authorized", "announcement"),
    ("Протокол засідання робочої групи", "minutes"),
    ("Спільна заява міністрів оборони", "agreement"),
    ("Стратегія воєнної безпеки України", "policy"),
    ("Дорожня карта реформи логістики", "reform-plan"),
    ("Звіт про виконання програми", "report"),
    ("Оголошення про новий пакет допомоги", "announcement"),
    ("Notes on the weather", "other"),
])
def test_classify_type_from_title(taxonomy, title, expected):
    lang = "uk" if any("\u0400" <= ch <= "\u04ff" for ch in title) else "en"
    assert classify_type(title, "", taxonomy, lang) == expected


def test_classify_type_uses_text_when_the_title_says_nothing(taxonomy):
    text = ("Article 1\nThe Parties shall cooperate.\n\nArticle 2\nThis Agreement shall "
            "enter into force on the date of signature.")
    assert classify_type("Kyiv, 12 May", text, taxonomy) == "agreement"
    transcript = "SECRETARY: Good morning.\nQ: Thank you.\nMINISTER: We discussed the next steps."
    assert classify_type("Transcript", transcript, taxonomy) == "minutes"
