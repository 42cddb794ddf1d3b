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

    def closest(self, word: str, known: Callable[[str], bool] | None = None) -> str | None:
        """Return the closest word to `word` for which `known` holds (default: any), or None.

        Candidates are tried best first, so the answer is the one a vocabulary holding only
        the `known` words would give.
        """
        candidates = [w for w in self.buckets.get(word[:1], ()) if abs(len(w) - len(word)) <= 2]
        ranked = difflib.get_close_matches(word, candidates, n=len(candidates) or 1, cutoff=0.8)
        return next((w for w in ranked if known is None or known(w)), None)


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
            better = vocabulary.closest(word, known)
            if better:
                word, changed = better, True
        fixed.append(word)
    if not changed:
        return None
    text = " ".join(fixed)
    query = parse_query(text).query
    if query is None:
        return None
    mask = scorer.evaluate(query).mask & visible
    return text if mask.any() else None
