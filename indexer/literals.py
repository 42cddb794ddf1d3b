"""Cheap pre-checks for regexes: literal strings one of which every match must contain.

A regex scan costs time in proportion to the text on every call, and most of the indexer's
cue and statement patterns match in few sentences; a substring test is far cheaper.
`prechecked(rx)` reads the pattern's parse tree once and keeps lowercase literals such that
any match of `rx` contains one of them (compared on `fold(text)`); its `search`/`finditer`
skip the scan when none occurs. When every match also *starts* with one of a few literals,
a long text is tried only where they occur. Results are exactly those of the plain regex:
the checks only ever rule out places where it cannot match. Patterns it cannot analyse are
always scanned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

# the parse tree is what `re.compile` builds on; absent (None), every pattern is scanned
from compat.re_parser import ops as _ops
from compat.re_parser import parser as _parser

# Characters a literal may hold. Under IGNORECASE `re` pairs a few letters with characters
# outside their case (i/ı/İ, s/ſ, Cyrillic в/д/о/с/т/ъ/ѣ with U+1C80-U+1C87); `fold` maps
# those onto the letter, so a match always folds to the folded literal
# (tests/test_literals.py checks this against every code point).
_SAFE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0x400, 0x500)]
    + list("’‘“”«»–—•·€£"))
_FOLD_TABLE = str.maketrans({
    "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u1c80": "в", "\u1c81": "д", "\u1c82": "о",
    "\u1c83": "с", "\u1c84": "т", "\u1c85": "т", "\u1c86": "ъ", "\u1c87": "ѣ"})
_NEEDS_TABLE = re.compile("[\u0130\u0131\u017f\u1c80-\u1c87]")
_ZERO_WIDTH = tuple(getattr(_ops, name) for name in ("AT", "ASSERT", "ASSERT_NOT")
                    if _parser is not None)
_REPEATS = tuple(getattr(_ops, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if _parser is not None and hasattr(_ops, name))

Literals = frozenset[str]


def fold(text: str) -> str:
    """Return `text` lowercased, with the letters `re` case-pairs specially mapped (same length)."""
    if _NEEDS_TABLE.search(text):
        text = text.translate(_FOLD_TABLE)
    return text.lower()


MANY_LITERALS = 6          # above this many, one scan for all of them beats a test for each
LONG_TEXT = 2000           # characters: on longer texts, try a regex only where a match may start
MAX_STARTS = 64            # ... at most this many places; past that, one scan from the first


@dataclass(frozen=True, slots=True)
class Prechecked:
    """A compiled regex and the folded literals one of which each of its matches contains.

    `prefixes`, when known, are literals one of which each match *starts* with: on a long
    text the regex is then tried only at their occurrences instead of at every character.
    """

    regex: re.Pattern[str]
    literals: tuple[str, ...] | None        # None: no pre-check, always scan
    finder: re.Pattern[str] | None = None   # the literals as one plain alternation, when many
    prefixes: tuple[str, ...] | None = None

    def may_match(self, folded: str) -> bool:
        """Return False only when the regex cannot match the text that folds to `folded`."""
        if self.literals is None:
            return True
        if self.finder is not None:
            return self.finder.search(folded) is not None
        for literal in self.literals:
            if literal in folded:
                return True
        return False

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        """Return `regex.search(text)`'s match; `folded` must be `fold(text)`.

        (Found by `regex.match(text, start)` on a long text, so the match's `pos` may differ.)
        """
        if not self.may_match(folded):
            return None
        if self.prefixes is None or len(text) < LONG_TEXT:
            return self.regex.search(text)
        starts = self._starts(folded)
        if len(starts) > MAX_STARTS:
            return self.regex.search(text, starts[0])
        for start in starts:                # the leftmost start that matches is search's match
            found = self.regex.match(text, start)
            if found:
                return found
        return None

    def finditer(self, text: str, folded: str) -> Iterator[re.Match[str]]:
        """Return `regex.finditer(text)` (nothing when the pre-check rules it out)."""
        if not self.may_match(folded):
            return iter(())
        if self.prefixes is None or len(text) < LONG_TEXT:
            return self.regex.finditer(text)
        starts = self._starts(folded)
        if len(starts) > MAX_STARTS:
            return self.regex.finditer(text, starts[0])
        return self._matches_at(text, starts)

    def _matches_at(self, text: str, starts: list[int]) -> Iterator[re.Match[str]]:
        """Yield what `regex.finditer` yields, trying only `starts` (where a prefix occurs).

        A match starts with a prefix, so it is never empty: finditer's next match is the
        leftmost one starting at or after the end of the previous one.
        """
        end = 0
        for start in starts:
            if start >= end:
                found = self.regex.match(text, start)
                if found:
                    end = found.end()
                    yield found

    def _starts(self, folded: str) -> list[int]:
        """Return, in order, where a prefix occurs.

        Past MAX_STARTS occurrences of one prefix the rest are left out: callers then scan
        from the first start anyway.
        """
        found: set[int] = set()
        for prefix in self.prefixes or ():
            at = folded.find(prefix)
            for _ in range(MAX_STARTS + 1):
                if at < 0:
                    break
                found.add(at)
                at = folded.find(prefix, at + 1)
        return sorted(found)


def prechecked(regex: re.Pattern[str]) -> Prechecked:
    """Return `regex` with the literals found in its pattern (None if it has none to offer).

    A pattern anchored at the start of the text is tried at one position only: cheaper
    than any pre-check, so it gets none.
    """
    tree = None if _is_anchored(regex) else _parse(regex)
    literals = _sequence(tree.data) if tree is not None else None
    if not literals:
        return Prechecked(regex, None)
    ordered = tuple(sorted(literals, key=lambda lit: (-len(lit), lit)))
    finder = re.compile("|".join(map(re.escape, ordered))) if len(ordered) > MANY_LITERALS else None
    prefixes = _prefix(tree.data)
    return Prechecked(regex, ordered, finder, tuple(sorted(prefixes)) if prefixes else None)


def _is_anchored(regex: re.Pattern[str]) -> bool:
    """Return True when the pattern can only match at the start of the text."""
    return regex.pattern.startswith(("^", r"\A")) and not regex.flags & re.MULTILINE


def required_literals(regex: re.Pattern[str]) -> Literals | None:
    """Return folded strings one of which every match of `regex` contains, or None if unknown."""
    tree = _parse(regex)
    return _sequence(tree.data) if tree is not None else None


def required_prefixes(regex: re.Pattern[str]) -> Literals | None:
    """Return folded strings one of which every match of `regex` starts with, or None."""
    tree = _parse(regex)
    return _prefix(tree.data) if tree is not None else None


def _parse(regex: re.Pattern[str]):
    """Return the parse tree `re` compiled `regex` from, or None if it is not available."""
    if _parser is None or not isinstance(regex.pattern, str):
        return None
    try:
        return _parser.parse(regex.pattern, regex.flags)
    except (re.error, TypeError, ValueError):
        return None


def _prefix(items: list) -> Literals | None:
    """Return what every match of a sequence starts with (zero-width assertions skipped)."""
    run: list[str] = []
    for op, arg in items:
        if op in _ZERO_WIDTH and not run:
            continue
        if op is _ops.LITERAL and chr(arg) in _SAFE:
            run.append(chr(arg))
            continue
        if run:
            break
        return _item(op, arg, _prefix)
    return frozenset({fold("".join(run))}) if run else None


def _sequence(items: list) -> Literals | None:
    """Return the best requirement of a sequence of parse items (all of which must match)."""
    found: list[Literals] = []
    run: list[str] = []
    for op, arg in items:
        if op is _ops.LITERAL and chr(arg) in _SAFE:
            run.append(chr(arg))
            continue
        _end_run(run, found)
        needed = _item(op, arg)
        if needed:
            found.append(needed)
    _end_run(run, found)
    return _best(found)


def _end_run(run: list[str], found: list[Literals]) -> None:
    """Move a run of consecutive literal characters into `found` as one required string."""
    if run:
        found.append(frozenset({fold("".join(run))}))
        run.clear()


def _item(op: object, arg: object,
          inner: Callable[[list], Literals | None] | None = None) -> Literals | None:
    """Return what one non-literal parse item requires (groups, alternatives, repeats),
    reading the items inside it with `inner`: `_sequence` (what every match contains,
    the default) or `_prefix` (what every match starts with).

    Case flags do not matter: `fold` makes a literal and anything it matches equal either way.
    """
    inner = inner or _sequence
    if op is _ops.SUBPATTERN:
        return inner(arg[3].data)
    if op is _ops.ATOMIC_GROUP:
        return inner(arg.data)
    if op is _ops.BRANCH:
        options = [inner(alt.data) for alt in arg[1]]
        return frozenset().union(*options) if all(options) else None
    if op in _REPEATS and arg[0] >= 1:
        return inner(arg[2].data)
    if op is _ops.IN:
        return _char_set(arg)
    return None


def _char_set(items: list) -> Literals | None:
    """Return the characters of a class made only of literal characters ([$€£], a|b|c)."""
    chars = [chr(arg) for op, arg in items if op is _ops.LITERAL]
    if len(chars) != len(items) or not all(ch in _SAFE for ch in chars):
        return None
    return frozenset(fold(ch) for ch in chars)


def _best(found: list[Literals]) -> Literals | None:
    """Return the most selective requirement: longest shortest literal, then fewest literals."""
    return max(found, key=lambda lits: (min(map(len, lits)), -len(lits)), default=None)
