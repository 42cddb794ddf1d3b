"""'Did you mean': correct unknown words against the index's vocabulary."""
from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

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

    def closest(self, word: str, cutoff: float = 0.8) -> str | None:
        """Return the closest known word to `word`, or None."""
        candidates = [w for w in self.buckets.get(word[:1], ()) if abs(len(w) - len(word)) <= 2]
        found = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
        return found[0] if found else None

    def knows(self, word: str) -> bool:
        """Return True when `word` is a surface word of the corpus."""
        return word in self.buckets.get(word[:1], ())

    def split(self, word: str) -> str | None:
        """Return `word` written as two known words joined by a hyphen ("anti-corruption").

        One part may be misspelt by one letter ("antycorruption"); the split keeping the
        longest exact part wins.
        """
        best: tuple[int, str] | None = None
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            left, right = word[:i], word[i:]
            if self.knows(left) and self.knows(right):
                fixed, exact = (left, right), len(word)
            elif self.knows(right) and (near := self._one_letter_off(left)):
                fixed, exact = (near, right), len(right)
            elif self.knows(left) and (near := self._one_letter_off(right)):
                fixed, exact = (left, near), len(left)
            else:
                continue
            if best is None or exact > best[0]:
                best = (exact, "-".join(fixed))
        return best[1] if best else None

    def _one_letter_off(self, part: str) -> str | None:
        """Return a known word of the same length differing from `part` in one letter."""
        for w in self.buckets.get(part[:1], ()):
            if len(w) == len(part) and sum(a != b for a, b in zip(w, part)) == 1:
                return w
        return None


MIN_PART = 3


def suggest(searcher: Searcher, table: DocTable, vocabulary: Vocabulary, req: SearchRequest,
            parsed: ParsedQuery, visible: np.ndarray) -> str | None:
    """Return a corrected query text that has visible hits, or None."""
    if not parsed.is_simple:
        return None
    reader = searcher.reader()
    fixed, changed = [], False
    for word in parsed.plain_words:
        if reader.doc_frequency(f.TEXT_FIELD, normalize_word(word)) == 0:
            better = vocabulary.closest(word) or vocabulary.split(word)
            if better:
                word, changed = better, True
        fixed.append(word)
    texts = [" ".join(fixed)] if changed else []
    texts += _joined(parsed.plain_words, vocabulary)
    for text in texts:
        query = parse_query(text).query
        if query is not None and (DocScorer(searcher, table).evaluate(query).mask & visible).any():
            return text
    return None


def _joined(plain: list[str], vocabulary: Vocabulary) -> list[str]:
    """Return the query with two neighbouring words written as one known word ("cyber security")."""
    out = []
    for i in range(len(plain) - 1):
        if vocabulary.knows(one := plain[i] + plain[i + 1]):
            out.append(" ".join(plain[:i] + [one] + plain[i + 2:]))
    return out
