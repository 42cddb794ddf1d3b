"""'Did you mean': correct unknown words against the index's vocabulary."""
from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from whoosh.searching import Searcher

from indexer import schema as f
from indexer.analysis import normalize_word
from search.doctable import DocTable
from search.parser import ParsedQuery, parse_query
from search.query import SearchRequest
from search.scoring import DocScorer


@dataclass(frozen=True)
class Vocabulary:
    """Surface words of the corpus, bucketed by first letter for fast lookups."""

    buckets: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, gen_dir: Path) -> "Vocabulary":
        """Return the vocabulary written by the last build (empty if none)."""
        try:
            text = (gen_dir / f.VOCABULARY_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls({})
        buckets: dict[str, list[str]] = defaultdict(list)
        for w in text.split():
            buckets[w[0]].append(w)
        return cls({k: tuple(v) for k, v in buckets.items()})

    def closest(self, word: str, known: Callable[[str], bool] | None = None,
                cutoff: float = 0.8) -> str | None:
        """Return the closest word to `word` for which `known` holds (default: any), or None.

        Candidates are tried best first, so the answer is the one a vocabulary holding only
        the `known` words would give.
        """
        candidates = [w for w in self.buckets.get(word[:1], ()) if abs(len(w) - len(word)) <= 2]
        ranked = difflib.get_close_matches(word, candidates, n=len(candidates) or 1, cutoff=cutoff)
        return next((w for w in ranked if known is None or known(w)), None)

    def knows(self, word: str) -> bool:
        """Return True when `word` is a surface word of the corpus."""
        return word in self.buckets.get(word[:1], ())

    def split(self, word: str, known: Callable[[str], bool] | None = None) -> str | None:
        """Return `word` written as two known words joined by a hyphen ("anti-corruption").

        One part may be misspelt by one letter ("antycorruption"); the split keeping the
        longest exact part wins. Parts must satisfy `known` too (default: any word).
        """
        def ok(w: str) -> bool:
            return self.knows(w) and (known is None or known(w))

        best: tuple[int, str] | None = None
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            left, right = word[:i], word[i:]
            if ok(left) and ok(right):
                fixed, exact = (left, right), len(word)
            elif ok(right) and (near := self._one_letter_off(left, ok)):
                fixed, exact = (near, right), len(right)
            elif ok(left) and (near := self._one_letter_off(right, ok)):
                fixed, exact = (left, near), len(left)
            else:
                continue
            if best is None or exact > best[0]:
                best = (exact, "-".join(fixed))
        return best[1] if best else None

    def _one_letter_off(self, part: str, ok: Callable[[str], bool]) -> str | None:
        """Return an `ok` word of the same length differing from `part` in one letter."""
        for w in self.buckets.get(part[:1], ()):
            if len(w) == len(part) and sum(a != b for a, b in zip(w, part)) == 1 and ok(w):
                return w
        return None


MIN_PART = 3


def suggest(searcher: Searcher, table: DocTable, vocabulary: Vocabulary, req: SearchRequest,
            parsed: ParsedQuery, visible: np.ndarray) -> str | None:
    """Return a corrected query text that has visible hits, or None.

    A word counts as known, and a correction as a candidate, only if a `visible` document
    holds it: words of hidden documents neither suppress nor make a suggestion.
    """
    if not parsed.is_simple:
        return None
    scorer = DocScorer(searcher, table, visible=visible)

    def known(word: str) -> bool:
        return scorer.is_visible_term(f.DOC_TEXT, normalize_word(word))

    fixed, changed = [], False
    for word in parsed.plain_words:
        if not known(word):
            better = vocabulary.closest(word, known) or vocabulary.split(word, known)
            if better:
                word, changed = better, True
        fixed.append(word)
    texts = [" ".join(fixed)] if changed else []
    texts += _joined(parsed.plain_words, vocabulary, known)
    for text in texts:
        query = parse_query(text).query
        if query is not None and (scorer.evaluate(query).mask & visible).any():
            return text
    return None


def _joined(plain: list[str], vocabulary: Vocabulary, known: Callable[[str], bool]) -> list[str]:
    """Return the query with two neighbouring words written as one known word ("cyber security")."""
    out = []
    for i in range(len(plain) - 1):
        one = plain[i] + plain[i + 1]
        if vocabulary.knows(one) and known(one):
            out.append(" ".join(plain[:i] + [one] + plain[i + 2:]))
    return out
