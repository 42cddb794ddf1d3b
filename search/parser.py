"""Parse the query language into a Whoosh query.

Grammar: words are ANDed; "quoted phrases"; OR between terms; NOT word or -word
(excludes from the whole query, or from the whole (group) it is in: `A OR B -C` is
(A OR B) without C); (groups); field:value for title, type, loe, principle, lang, year; trailing * on a
prefix of 3+ letters. Errors say what to fix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from whoosh import query as wq

from indexer import schema as f
from indexer.analysis import STOP_WORDS, normalize_word, terms, words
from search.errors import QueryError

MAX_TERMS = 64
_STOP_TERMS = frozenset(STOP_WORDS | {normalize_word(w) for w in STOP_WORDS})
MAX_PREFIX_EXPANSION = 200
_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<phrase>"[^"]*")|(?P<quote>")|'
                    r'(?P<word>[^\s()"]+:"[^"]*"|[^\s()"]+))')     # title:"two words" is one
FIELD_ALIASES = {"title": f.TITLE, "type": f.TYPE, "loe": f.DOC_LOE, "principle": f.DOC_PRINCIPLE,
                 "lang": f.LANG, "year": f.YEAR}
_KEYWORD_FIELDS = {f.TYPE, f.DOC_LOE, f.DOC_PRINCIPLE, f.LANG, f.YEAR}


@dataclass
class ParsedQuery:
    """A parsed query: the Whoosh query, the terms to highlight, and its plain words."""

    query: wq.Query | None
    highlight: set[str] = field(default_factory=set)
    plain_words: list[str] = field(default_factory=list)    # for "did you mean"
    units: list[wq.Query] = field(default_factory=list)      # one query per word or acronym
    word_units: list[wq.Query] = field(default_factory=list) # one query per typed word
    expansions: list[tuple[str, str]] = field(default_factory=list)
    is_simple: bool = True                                   # only plain words, ANDed

    def loosened(self) -> wq.Query | None:
        """Return the word units ORed (ranking rewards passages holding more of them)."""
        if not self.is_simple or len(self.units) < 2:
            return None
        return wq.Or(self.units)


def parse_query(text: str, validate_value=None, acronyms: Mapping[str, str] | None = None,
                equivalents: Sequence[tuple[str, ...]] = ()) -> ParsedQuery:
    """Return the parsed form of `text`; raise QueryError for malformed input.

    `acronyms` maps short forms to long forms: a plain word that is a known acronym also
    matches its long form, and a run of words spelling a long form also matches the acronym.
    `equivalents` are groups of phrases (any language) a run of plain words may stand for.
    """
    tokens = _join_long_forms(_tokenize(text), acronyms or {})
    tokens = _join_equivalents(tokens, equivalents)
    parser = _Parser(tokens, validate_value, acronyms or {}, equivalents)
    q = parser.parse_or()
    if parser.pos < len(tokens):
        raise QueryError("unbalanced ')': remove it or add a matching '('")
    if parser.term_count > MAX_TERMS:
        raise QueryError(f"the query has {parser.term_count} terms; at most {MAX_TERMS} are allowed")
    return ParsedQuery(q, parser.highlight, parser.plain, parser.units, parser.word_units,
                       parser.expansions, parser.is_simple and q is not None)


def _join_long_forms(tokens: list[tuple[str, str]], acronyms: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return tokens with each run of plain words that spells a long form merged into one."""
    longs = {tuple(w.lower() for w in long.split()): short for short, long in acronyms.items()}

    def match(run: list[tuple[str, str]]) -> tuple[str, str] | None:
        if not all(k == "word" for k, _ in run):
            return None
        short = longs.get(tuple(v.lower() for _, v in run))
        return ("long", " ".join(v for _, v in run) + "\x00" + short) if short else None
    return _merge_runs(tokens, max(map(len, longs), default=0), match)


def _merge_runs(tokens: list[tuple[str, str]], longest: int, match) -> list[tuple[str, str]]:
    """Return tokens with the longest runs that `match` turns into one token merged, greedily."""
    out, i = [], 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            merged = match(tokens[i:i + n])
            if merged is not None:
                out.append(merged)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


MAX_EQUIVALENT_WORDS = 6


def _content_key(text: str) -> tuple[str, ...]:
    """Return the normalized terms of `text` without stop words (how equivalents are matched)."""
    return tuple(t.text for t in terms(text) if t.text not in _STOP_TERMS)


def _join_equivalents(tokens: list[tuple[str, str]],
                      groups: Sequence[tuple[str, ...]]) -> list[tuple[str, str]]:
    """Return tokens with each run of plain words matching an equivalents phrase merged."""
    index = {key: i for i, g in enumerate(groups) for p in g if (key := _content_key(p))}

    def match(run: list[tuple[str, str]]) -> tuple[str, str] | None:
        if not all(_is_plain(tok) for tok in run):
            return None
        group = index.get(_content_key(" ".join(v for _, v in run)))
        return None if group is None else ("equiv", " ".join(v for _, v in run) + "\x00" + str(group))
    return _merge_runs(tokens, MAX_EQUIVALENT_WORDS, match) if index else tokens


def _is_plain(token: tuple[str, str]) -> bool:
    kind, value = token
    return (kind == "word" and value not in ("OR", "NOT") and ":" not in value
            and not value.startswith("-") and not value.endswith("*"))


def _tokenize(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(text.replace("\x00", " ")):
        kind = m.lastgroup
        if kind == "quote":
            raise QueryError('unterminated phrase: add the closing " or remove the opening one')
        if kind:
            out.append((kind, m.group(kind)))
    return out


class _Parser:
    """Recursive descent over the token list."""

    def __init__(self, tokens: list[tuple[str, str]], validate_value,
                 acronyms: Mapping[str, str], equivalents: Sequence[tuple[str, ...]] = ()) -> None:
        self.tokens, self.pos = tokens, 0
        self.acronyms = acronyms
        self.equivalents = equivalents
        self.units: list[wq.Query] = []
        self.word_units: list[wq.Query] = []
        self.expansions: list[tuple[str, str]] = []
        self.highlight: set[str] = set()
        self.plain: list[str] = []
        self.term_count = 0
        self.is_simple = True
        self.validate_value = validate_value

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse_or(self) -> wq.Query | None:
        """Return the ORed groups; every NOT/-word in them excludes from the whole (group)."""
        part, nots = self.parse_and()
        parts = [part]
        while (tok := self.peek()) and tok == ("word", "OR"):
            self.pos += 1
            self.is_simple = False
            if self.peek() is None or self.peek()[0] == "rp":
                raise QueryError("OR needs a term on both sides")
            part, more = self.parse_and()
            parts.append(part)
            nots.extend(more)
        parts = [p for p in parts if p is not None]
        if nots and not parts:
            raise QueryError("a query cannot only exclude: add a word to search for before NOT/-")
        if not parts:
            return None
        q = parts[0] if len(parts) == 1 else wq.Or(parts)
        return wq.AndNot(q, nots[0] if len(nots) == 1 else wq.Or(nots)) if nots else q

    def parse_and(self) -> tuple[wq.Query | None, list[wq.Query]]:
        """Return the ANDed terms up to the next OR or ')', and the terms they exclude."""
        musts, nots = [], []
        while (tok := self.peek()) and tok[0] != "rp" and tok != ("word", "OR"):
            negated = self._negation()
            q = self.parse_unary()
            if q is not None:
                (nots if negated else musts).append(q)
        if not musts:
            return None, nots
        return (musts[0] if len(musts) == 1 else wq.And(musts)), nots

    def _negation(self) -> bool:
        tok = self.peek()
        if tok == ("word", "NOT"):
            self.pos += 1
            self.is_simple = False
            if self.peek() is None:
                raise QueryError("NOT needs a term after it")
            return True
        if tok and tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1:
            self.tokens[self.pos] = ("word", tok[1][1:])
            self.is_simple = False
            return True
        return False

    def parse_unary(self) -> wq.Query | None:
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "lp":
            self.is_simple = False
            inner = self.parse_or()
            if self.peek() is None or self.peek()[0] != "rp":
                raise QueryError("unbalanced '(': add the closing ')'")
            self.pos += 1
            return inner
        if kind == "rp":
            raise QueryError("unbalanced ')': remove it or add a matching '('")
        if kind == "phrase":
            self.is_simple = False
            return self._phrase(value[1:-1], (f.TEXT_FIELD, f.TITLE, f.SECTION))
        if kind == "long":
            return self._long_form(*value.split("\x00"))
        if kind == "equiv":
            text, group = value.split("\x00")
            return self._equivalent(text, self.equivalents[int(group)])
        if value in self.acronyms:
            return self._acronym(value)
        return self._word(value)

    def _long_form(self, text: str, short: str) -> wq.Query | None:
        """Return the query for a long form typed out: the phrase, or its acronym."""
        phrase = self._phrase(text, (f.TEXT_FIELD, f.TITLE, f.SECTION))
        unit = wq.Or([phrase, _word_query(short)]) if phrase is not None else _word_query(short)
        self.expansions.append((text, short))
        self.highlight.add(normalize_word(short.lower()))
        self.word_units.extend(_word_query(w) for w in words(text) if w not in STOP_WORDS)
        self.units.append(unit)
        return unit

    def _equivalent(self, text: str, group: tuple[str, ...]) -> wq.Query:
        """Return the query for words standing for an equivalents group: any of its phrases."""
        self.term_count += 1
        self.plain.extend(w for w in words(text) if w not in STOP_WORDS)
        alternatives = list(group) + ([self.acronyms[text]] if text in self.acronyms else [])
        counted = self.term_count      # alternatives are ours, not the user's: count one term
        subs = [q for p in alternatives
                if (q := self._phrase(p, (f.TEXT_FIELD, f.TITLE, f.SECTION))) is not None]
        self.term_count = counted
        others = [p for p in alternatives if _content_key(p) != _content_key(text)]
        if others:
            self.expansions.append((text, " / ".join(others)))
        unit = wq.Or(subs)
        self.units.append(unit)
        self.word_units.append(unit)
        return unit

    def _acronym(self, short: str) -> wq.Query:
        """Return the query for an acronym: the acronym, or its long form as a phrase."""
        self.term_count += 1
        self.plain.append(short.lower())
        self.highlight.add(normalize_word(short.lower()))
        phrase = self._phrase(self.acronyms[short], (f.TEXT_FIELD, f.TITLE, f.SECTION))
        unit = wq.Or([_word_query(short), phrase]) if phrase is not None else _word_query(short)
        self.expansions.append((short, self.acronyms[short]))
        self.units.append(unit)
        self.word_units.append(unit)
        return unit

    def _word(self, value: str) -> wq.Query | None:
        name, sep, rest = value.partition(":")
        if sep and name.lower() in FIELD_ALIASES:
            self.is_simple = False
            return self._fielded(FIELD_ALIASES[name.lower()], name.lower(), rest)
        if value.endswith("*"):
            self.is_simple = False
            return self._prefix(value[:-1])
        found = words(value)
        if not found:
            return None
        content = [w for w in found if w not in STOP_WORDS] or ([] if len(found) > 1 else [])
        if not content:
            return None
        self.term_count += len(content)
        self.plain.extend(content)
        self.highlight.update(normalize_word(w) for w in content)
        subs = [_word_query(w) for w in content]
        self.units.extend(subs)
        self.word_units.extend(subs)
        return subs[0] if len(subs) == 1 else wq.And(subs)

    def _fielded(self, fieldname: str, alias: str, raw: str) -> wq.Query | None:
        if not raw:
            raise QueryError(f"{alias}: needs a value, for example {alias}:{_EXAMPLES[alias]}")
        if fieldname in _KEYWORD_FIELDS:
            value = raw.strip('"').lower()
            if self.validate_value:
                self.validate_value(alias, value)
            self.term_count += 1
            return wq.Term(fieldname, value)
        if raw.startswith('"') and raw.endswith('"') and len(raw) > 1:
            return self._phrase(raw[1:-1], (fieldname,))
        ts = terms(raw)
        if not ts:
            raise QueryError(f"{alias}: needs a word after it")
        self.term_count += len(ts)
        self.highlight.update(t.text for t in ts)
        return wq.And([wq.Term(fieldname, t.text) for t in ts])

    def _phrase(self, text: str, fields: tuple[str, ...]) -> wq.Query | None:
        ts = [t.text for t in terms(text)]
        if not ts:
            return None
        self.term_count += len(ts)
        self.highlight.update(ts)
        if len(ts) == 1:
            return wq.Or([wq.Term(fn, ts[0]) for fn in fields])
        return wq.Or([wq.Phrase(fn, ts) for fn in fields])

    def _prefix(self, stem: str) -> wq.Query:
        letters = words(stem)
        if len(letters) != 1 or len(letters[0]) < 3:
            raise QueryError("a wildcard needs at least 3 letters before the *, e.g. procur*")
        self.term_count += 1
        prefix = letters[0]
        return wq.Or([wq.Prefix(fn, prefix) for fn in (f.TEXT_FIELD, f.TITLE)])


def _word_query(word: str) -> wq.Query:
    """Return the query for one plain word across the text, title and section fields."""
    term = normalize_word(word.lower())
    return wq.Or([wq.Term(fn, term) for fn in f.SEARCH_FIELDS])


_EXAMPLES = {"title": "charter", "type": "minutes", "loe": "sector-reform",
             "principle": "senior-engagement", "lang": "uk", "year": "2019"}
