"""The taxonomy file: the default loads with the contract ids; bad files fail with file and line."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.records import Acronym, Cue
from indexer.taxonomy import (
    TaxonomyError,
    compile_taxonomy,
    default_taxonomy_path,
    load_taxonomy,
    phrase_terms,
)

LOE = ["defense-capability", "sector-reform", "resource-management", "technology-cooperation"]
PRINCIPLES = ["enduring-partnership", "senior-engagement", "multinational-coordination",
              "mutual-investment", "effective-assistance"]
TYPES = ["agreement", "policy", "minutes", "reform-plan", "report", "announcement", "other"]

VALID = """\
loe:
  - id: sector-reform
    name: Defense sector reform
    names: {en: Defense sector reform, uk: Реформа}
    threshold: 1.0
    doc_threshold: 2.0
    cues:
      - civilian control
      - phrases: [audit]
        requires: [defense]
principle: []
type: []
"""


@pytest.fixture(scope="module")
def taxonomy():
    """The default taxonomy shipped with the indexer."""
    return load_taxonomy(default_taxonomy_path())


def write(tmp_path: Path, text: str) -> Path:
    """Write `text` as a taxonomy file in tmp_path and return its path."""
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_taxonomy_has_exactly_the_contract_ids(taxonomy):
    assert [t.id for t in taxonomy.loe] == LOE
    assert [t.id for t in taxonomy.principle] == PRINCIPLES
    assert [t.id for t in taxonomy.types] == TYPES


def test_every_default_tag_has_names_in_both_languages_and_a_definition(taxonomy):
    for tag in taxonomy.loe + taxonomy.principle + taxonomy.types:
        assert set(tag.names) >= {"en", "uk"}, tag.id
        assert tag.definition and tag.name, tag.id
        assert tag.threshold > 0 and tag.doc_threshold > 0, tag.id


def test_every_line_of_effort_and_principle_has_english_and_ukrainian_cues(taxonomy):
    cyrillic = re.compile(r"[\u0400-\u04FF]")
    for tag in taxonomy.loe + taxonomy.principle:
        assert any(cyrillic.search(c.pattern) for c in tag.cues), tag.id
        assert any(not cyrillic.search(c.pattern) for c in tag.cues), tag.id


def test_default_taxonomy_records_source_and_digest(taxonomy):
    assert taxonomy.source == str(default_taxonomy_path())
    assert len(taxonomy.digest) == 16


def test_acronym_glossary_covers_both_languages(taxonomy):
    shorts = {a.short for a in taxonomy.acronyms}
    assert {"MJC", "BDC", "IPR", "EUM", "EEUM", "FMF", "USAI", "PME", "NATO", "MoD", "DoD",
            "UDCG", "JMTG-U", "DRAB", "МОУ", "ЗСУ"} <= shorts
    assert Acronym("MJC", "Multinational Joint Commission") in taxonomy.acronyms


def test_context_references_expand_to_their_words(taxonomy):
    """`requires: ["@defense"]` is stored as the words of contexts.defense."""
    reform = taxonomy.loe[1]
    audit = next(c for c in reform.cues if c.pattern == "audit")
    assert "ministry of defense" in audit.requires and "оборона" in audit.requires
    assert "@defense" not in audit.requires


def test_valid_minimal_file_loads_cues_with_options(tmp_path):
    taxonomy = load_taxonomy(write(tmp_path, VALID))
    assert taxonomy.loe[0].cues == (Cue("civilian control"), Cue("audit", requires=("defense",)))
    assert taxonomy.loe[0].names == {"en": "Defense sector reform", "uk": "Реформа"}
    assert taxonomy.principle == () and taxonomy.types == ()


@pytest.mark.parametrize("phrase, inflected", [
    ("defence procurement", "defense procurements"),
    ("end-use monitoring", "end use monitored"),
    ("цивільний контроль над збройними силами", "цивільного контролю над збройними силами"),
    ("закупівля", "закупівель"),
    ("закупівля", "закупівлі"),
    ("довгострокові зобов'язання", "довгострокових зобов’язань"),
])
def test_phrases_compile_to_the_same_terms_as_their_inflections(phrase, inflected):
    assert phrase_terms(phrase) == phrase_terms(inflected)


def test_phrase_terms_skip_stop_words_and_single_letters():
    assert phrase_terms("audit of the U.S. Ministry of Defense") == ("audit", "ministri", "defens")


def test_compile_taxonomy_is_built_once_per_taxonomy(taxonomy):
    compiled = compile_taxonomy(taxonomy)
    assert compile_taxonomy(taxonomy) is compiled
    assert compiled.topics.tags == taxonomy.loe + taxonomy.principle
    assert all(c.regex is not None for c in compiled.topics.regex_cues)
    assert all(cue.terms[0] == first for first, cues in compiled.topics.by_first_term.items()
               for cue in cues)


BAD_FILES = [
    ("equivalents group of one", VALID + "equivalents:\n  - [defense]\n", 14,
     "needs at least two phrases"),
    ("syntax error", "loe:\n  - id: x\n    name: [unclosed\nprinciple: []\n", 4,
     "YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence at line 3)"),
    ("unknown top-level group", VALID + "priciple: []\n", 13, "unknown key 'priciple'"),
    ("unknown tag key", VALID.replace("    threshold: 1.0", "    treshold: 1.0"), 5,
     "unknown key 'treshold'"),
    ("unknown cue key", VALID.replace("        requires:", "        require:"), 10,
     "unknown key 'require'"),
    ("bad regex", VALID.replace("      - civilian control", "      - 're:(unclosed'"), 8, "bad regex"),
    ("weight not a number", VALID.replace("        requires: [defense]",
                                          "        weight: heavy"), 10, "weight must be a number"),
    ("duplicate id", VALID.replace("principle: []", "") .replace("type: []", "")
     + "  - id: sector-reform\n    name: Again\nprinciple: []\ntype: []\n", 13,
     "duplicate loe id 'sector-reform'"),
    ("missing id", VALID.replace("  - id: sector-reform\n    name:", "  - name:"), 2, "missing 'id'"),
    ("missing group", "loe: []\nprinciple: []\n", 1, "missing top-level section 'type'"),
    ("unknown context", VALID.replace("requires: [defense]", "requires: ['@defence']"), 10,
     "unknown context '@defence'"),
    ("duplicate key", VALID.replace("    threshold: 1.0", "    threshold: 1.0\n    threshold: 2.0"),
     6, "duplicate key 'threshold'"),
    ("bad id", VALID.replace("id: sector-reform", "id: Sector Reform"), 2, "must be lowercase"),
    ("empty phrase", VALID.replace("      - civilian control", "      - 'of the'"), 8,
     "no words left"),
]


@pytest.mark.parametrize("case, text, line, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_malformed_taxonomy_names_file_line_and_problem(tmp_path, case, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    assert str(err.value).startswith(f"{path}:{line}: "), str(err.value)
    assert message in str(err.value)


def test_missing_file_is_a_taxonomy_error(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot read taxonomy"):
        load_taxonomy(tmp_path / "nope.yaml")
