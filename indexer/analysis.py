"""Word normalization shared by the index, the query parser and the tagger.

English words are folded to US spelling and stemmed with Porter2; Ukrainian
(Cyrillic) words are lemmatized with simplemma, so inflected forms meet at one
term. Both apostrophe forms (' and ’) are one.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple

import simplemma
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.porter2 import stem as _porter2

WORD_PATTERN = r"\w+(?:['’ʼ`]\w+)*"
_WORD_RE = re.compile(WORD_PATTERN)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'"})
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")

# UK -> US spellings that Porter2 does not fold by itself.
_SPELLING = {
    "defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses",
    "licence": "license", "licences": "licenses", "programme": "program",
    "programmes": "programs", "centre": "center", "centres": "centers",
    "labour": "labor", "armour": "armor", "armoured": "armored", "honour": "honor",
    "favour": "favor", "endeavour": "endeavor", "behaviour": "behavior",
    "catalogue": "catalog", "dialogue": "dialog", "analyse": "analyze", "analysed": "analyzed",
    "travelling": "traveling", "travelled": "traveled", "fulfil": "fulfill", "enrol": "enroll",
    "manoeuvre": "maneuver", "manoeuvres": "maneuvers", "grey": "gray", "cheque": "check",
    "judgement": "judgment", "ageing": "aging", "sceptical": "skeptical",
}
# -is- forms that are not UK spellings of -iz- (exercise, advise, enterprise...).
_ISE_KEEP = frozenset(
    "exercis advis enterpris expertis compromis premis surpris revis supervis televis "
    "promis franchis merchandis rais nois cruis prais precis concis excis pois appris "
    "chastis despis devis improvis disguis wis ris advertis "
    "comprised comprising compris".split())
_ISE_RE = re.compile(r"^(\w{3,}?)is(e|es|ed|ing|ation|ations|er|ers)$")

STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have in into is it its of on or that the "
    "their this to was were will with what which who whom did does do how when where why "
    "about there these those than then been being i we you he she they our your "
    "і й та а але в у на з із зі до від по для про що як це є не чи його її їх за щодо "
    "через під над між при без або також який яка які було буде".split())


class Term(NamedTuple):
    """A normalized term and the character span of the word it came from."""

    text: str
    start: int
    end: int


def _fold_spelling(word: str) -> str:
    """Return `word` in US spelling when it is a known UK form."""
    if word in _SPELLING:
        return _SPELLING[word]
    m = _ISE_RE.match(word)
    if m and m.group(1) + "is" not in _ISE_KEEP and not word.startswith(tuple(_ISE_KEEP)):
        return f"{m.group(1)}iz{m.group(2)}"
    return word


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """Return the index term for one lowercase word (stem or lemma)."""
    word = word.translate(_APOSTROPHES)
    if _CYRILLIC.search(word):
        return simplemma.lemmatize(word, lang="uk").lower().translate(_APOSTROPHES)
    word = word.replace("'", "") if not word.endswith("'s") else word[:-2]
    return _porter2(_fold_spelling(word))


# Term(...) goes through NamedTuple's Python-level __new__; building the tuple directly is
# the same value at a third of the cost (terms() runs on every passage, several times).
_new_term = tuple.__new__


def terms(text: str) -> list[Term]:
    """Return the normalized terms of `text`, with character spans."""
    return [_new_term(Term, (normalize_word(m[0].lower()), *m.span()))
            for m in _WORD_RE.finditer(text)]


def words(text: str) -> list[str]:
    """Return the lowercase words of `text` (not normalized)."""
    return [w.lower().translate(_APOSTROPHES) for w in _WORD_RE.findall(text)]


def distinct_words(texts: Iterable[str]) -> set[str]:
    """Return the set of `words` of all `texts` (each distinct surface form lowered once)."""
    found: set[str] = set()
    for text in texts:
        found.update(_WORD_RE.findall(text))
    return {w.lower().translate(_APOSTROPHES) for w in found}


class NormalizeFilter(Filter):
    """Whoosh filter mapping each token to its index term (see `normalize_word`)."""

    is_morph = True

    def __call__(self, tokens: Iterator) -> Iterator:
        for t in tokens:
            t.text = normalize_word(t.text)
            if t.text:
                yield t


def kb_analyzer():
    """Return a Whoosh analyzer that normalizes raw text (both languages) like `terms`."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | NormalizeFilter()


def normalized(text: str) -> str:
    """Return `text` as its normalized terms joined by spaces (what the index stores).

    Workers normalize in parallel; the writer only splits on spaces (see `term_analyzer`).
    """
    return " ".join(filter(None, map(normalize_word, map(str.lower, _WORD_RE.findall(text)))))


TERM_PATTERN = r"\S+"
_TERM_RE = re.compile(TERM_PATTERN)
_WHITESPACE_BUT_SPACE = re.compile(r"[^\S ]")


def term_analyzer():
    """Return the Whoosh analyzer for pre-normalized text: split on whitespace."""
    return RegexTokenizer(TERM_PATTERN)


def index_terms(text: str) -> list[str]:
    """Return the terms `term_analyzer` finds in `normalized(text)`, as a list.

    Whoosh indexes a list value as given (positions 0, 1, ...), so records carrying lists
    spare the single writer process its tokenizer: same terms, same positions.
    """
    found = list(filter(None, map(normalize_word, map(str.lower, _WORD_RE.findall(text)))))
    joined = " ".join(found)
    if joined.count(" ") == len(found) - 1 and not _WHITESPACE_BUT_SPACE.search(joined):
        return found                    # no term holds whitespace: the split gives them back
    return _TERM_RE.findall(joined)
