"""The regex pre-checks (indexer/literals.py) may only skip texts a regex cannot match."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from indexer import actors, metadata, statements
from indexer.literals import (LONG_TEXT, _SAFE, fold, prechecked, required_literals,
                              required_prefixes)
from indexer.taxonomy import compile_taxonomy, default_taxonomy_path, load_taxonomy

CORPUS = Path(__file__).parent / "corpus"


def test_fold_maps_every_case_partner_of_a_literal_character_to_the_same_string():
    """Whatever `re` matches a literal with under IGNORECASE folds to the folded literal."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for ch in sorted(_SAFE):
        partners = {m.group() for m in re.finditer(re.escape(ch), everything, re.IGNORECASE)}
        assert {fold(p) for p in partners} == {fold(ch)}, ch


def test_fold_keeps_the_length():
    text = "İstanbul ſtate ᲀійськ DEFENSE Сторона"
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(("pattern", "flags", "expected"), [
    (r"\breadiness\b", re.IGNORECASE, {"readiness"}),
    (r"(?i:Department\s+of)|\bDoD\b", 0, {"department", "dod"}),
    (r"\b(?:has|have)\s+(?:now\s+)?given\b", 0, {"given"}),
    (r"(?:ab)+c?", 0, {"ab"}),
    (r"x(?=yyy)", 0, {"x"}),
    (r"foo|[a-z]", 0, None),
    (r"\d+\s*%", 0, {"%"}),
    (r"(?m)^\s*(?:article|стаття)\s+\d+", re.IGNORECASE, {"article", "стаття"}),
    (r"[A-Z]{2,6}", 0, None),
])
def test_required_literals_of_a_pattern(pattern, flags, expected):
    assert required_literals(re.compile(pattern, flags)) == expected


@pytest.mark.parametrize("text", [
    "READİNESS is reviewed", "ſustainment", "the ᲀійськова допомога", "Readiness.", "none here",
])
def test_prechecked_search_equals_the_regex(text):
    for pattern in (r"\breadiness\b", r"\bsustainment\b", r"військов\w+"):
        regex = re.compile(pattern, re.IGNORECASE)
        found = prechecked(regex).search(text, fold(text))
        expected = regex.search(text)
        assert (found and found.span()) == (expected and expected.span())


def _project_patterns() -> list[re.Pattern[str]]:
    taxonomy = compile_taxonomy(load_taxonomy(default_taxonomy_path()))
    cues = [c.regex for g in (taxonomy.topics, taxonomy.types) for c in g.regex_cues]
    module_patterns = [v for m in (statements, metadata) for v in vars(m).values()
                       if isinstance(v, re.Pattern)]
    return cues + module_patterns + [rx for _, rx in actors._PATTERNS]


def test_prechecks_never_skip_a_sentence_the_pattern_matches():
    """Every project pattern, on every line of the test corpus's text files."""
    lines = [line for path in sorted(CORPUS.iterdir()) if path.suffix in (".md", ".txt", ".html")
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for regex in _project_patterns():
        check = prechecked(regex)
        for line in lines:
            if regex.search(line):
                assert check.may_match(fold(line)), (regex.pattern, line)


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(?<!\w)(?:Jan|Feb)\s+\d{4}", {"jan", "feb"}),
    (r"\b(?:USD|EUR)\s?\d", {"usd", "eur"}),
    (r"(?:the )?U\.S\.", None),
    (r"[$€£]\s?\d", {"$", "€", "£"}),
    (r"\d+ (?:million|billion)", None),
])
def test_required_prefixes_of_a_pattern(pattern, expected):
    assert required_prefixes(re.compile(pattern, re.IGNORECASE)) == expected


def _corpus_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(CORPUS.iterdir())
            if path.suffix in (".md", ".txt", ".html")]


def test_prechecked_search_and_finditer_equal_the_regex_on_long_texts():
    """On long texts the regex is tried only where a prefix occurs: same matches as a scan."""
    texts = _corpus_texts()
    texts.append("\n".join(texts))
    texts.append("x" * LONG_TEXT + " MoD. Ministry of Defence of Ukraine, 12 May 2020, $5 million")
    for regex in _project_patterns():
        check = prechecked(regex)
        for text in texts:
            folded = fold(text)
            found, expected = check.search(text, folded), regex.search(text)
            assert (found and found.span()) == (expected and expected.span()), regex.pattern
            assert [m.span() for m in check.finditer(text, folded)] == \
                [m.span() for m in regex.finditer(text)], regex.pattern


def test_prechecked_search_sees_the_text_before_a_candidate_start():
    """Lookbehinds and word boundaries at a candidate start look at the real text before it."""
    regex = re.compile(r"(?<!aid )\bpledged\b|(?<!\w)вирішили")
    check = prechecked(regex)
    text = "x" * LONG_TEXT + " aid pledged, unpledged; вирішили"
    assert check.search(text, fold(text)).group() == regex.search(text).group() == "вирішили"
