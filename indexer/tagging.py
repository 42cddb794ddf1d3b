"""Tag passages and documents with the taxonomy, keeping the evidence that made each tag fire.

A passage is split into sentences; the taxonomy's cues (phrases matched on normalized terms,
and `re:` patterns) are matched once over the passage; a cue with `requires`/`unless` context
fires only when one of those words is (or is not) in the same sentence, or within `window`
words. A tag's sentence score is the sum of its distinct cues there (longest match wins when
two positive cues of a tag overlap; negative cues always count), capped at SENTENCE_CAP; the
passage score is the sum of the positive sentence scores, and the tag is assigned when it
reaches the tag's `threshold`.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from typing import Iterable, NamedTuple, Sequence

from indexer.literals import fold
from indexer.records import Evidence, TagHit, Taxonomy
from indexer.taxonomy import (CompiledCue, CompiledGroup, CompiledTaxonomy, compile_taxonomy,
                              content_terms)

SENTENCE_CAP = 3.0          # one sentence adds at most this much to a tag's passage score
MAX_EVIDENCE = 3            # evidence items kept per tag (passage and document)
FIRST_PASSAGE_BONUS = (1.5, 1.25)   # document aggregation: weight of passages #0 and #1
LENGTH_PIVOT = 6            # documents longer than this many passages need proportionally more
TITLE_WEIGHT = 2.5          # classify_type: a title cue counts this many times a body cue
HEAD_BONUS = 1.25           # classify_type: a title cue before the first preposition (the head)
BODY_CHARS = 4000           # classify_type: only the start of the text is read
LONG_SENTENCE = 600         # characters; longer "sentences" (unpunctuated PDF text) split at lines

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no nos art arts vol pp p gen lt col maj capt cpt sgt adm gov sen rep hon "
    "prof inc ltd co corp vs approx jan feb mar apr jun jul aug sep sept oct nov dec fig para "
    "ст п пп ч р рр грн млн млрд тис ім див напр обл м вул".split())
_BREAK = re.compile(
    r"(?P<end>[.!?…]+[\"'”’»)\]]*)\s+"          # sentence-final punctuation, then space
    r"|\s*\n[ \t]*\n\s*"                        # a blank line
    r"|\s*[•▪●◦■]\s*"                           # a bullet
    r"|\s*\n[ \t]*(?=[-–—*]\s|\(?\d{1,2}[.)]\s)")  # a list item starting a line
_TOKEN_BEFORE = re.compile(r"([\w.]+)$")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_PREPOSITION = re.compile(r"\b(?:of|on|for|to|by|at|with|from|about|про|щодо|для|з|із|від|до|на)\b",
                          re.IGNORECASE)


# --- sentences --------------------------------------------------------------------------


def _is_false_stop(text: str, dot: int, after: int) -> bool:
    """Return True when the "." at `dot` ends an abbreviation or is followed by lowercase."""
    if text[dot] != ".":
        return False
    if after < len(text) and text[after].islower():
        return True
    m = _TOKEN_BEFORE.search(text, max(0, dot - 20), dot)
    if not m:
        return False
    token = m.group(1).lower()
    return token in _ABBREVIATIONS or len(token) == 1 or "." in token


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Return (start, end) without surrounding whitespace, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _split_long(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Yield (start, end) spans of a sentence, cut at line breaks when it is very long."""
    if end - start <= LONG_SENTENCE:
        yield start, end
        return
    pos = start
    for m in _LINE_BREAK.finditer(text, start, end):
        if m.start() - pos >= 80:
            yield pos, m.start()
            pos = m.end()
    yield pos, end


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of the sentences of `text`, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _BREAK.finditer(text):
        end = m.end("end") if m.group("end") else m.start()
        if m.group("end") and _is_false_stop(text, m.start("end"), m.end()):
            continue
        span = _trim(text, pos, end)
        if span:
            spans.extend(_split_long(text, *span))
        pos = m.end()
    span = _trim(text, pos, len(text))
    if span:
        spans.extend(_split_long(text, *span))
    return spans


# --- matching ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A text ready for matching: its content terms and sentences."""

    text: str
    terms: tuple[str, ...]                   # normalized terms, stop words dropped
    starts: tuple[int, ...]                  # character start of each term
    ends: tuple[int, ...]
    sentence_of: tuple[int, ...]             # sentence index of each term
    sentences: tuple[tuple[int, int], ...]   # character spans
    ranges: tuple[tuple[int, int], ...]      # term index range of each sentence


def _prepare(text: str) -> _Prepared:
    """Return `text` split into sentences and normalized terms."""
    sentences = split_sentences(text) or [(0, len(text))]
    kept = content_terms(text)
    sentence_of: list[int] = []
    ranges = [[0, 0] for _ in sentences]
    s = 0
    for i, term in enumerate(kept):
        while s + 1 < len(sentences) and term.start >= sentences[s + 1][0]:
            s += 1
            ranges[s][0] = i
        sentence_of.append(s)
        ranges[s][1] = i + 1
    for k in range(1, len(ranges)):      # sentences without terms get an empty range
        if ranges[k][1] <= ranges[k][0]:
            ranges[k] = [ranges[k - 1][1], ranges[k - 1][1]]
    texts, starts, ends = zip(*kept) if kept else ((), (), ())
    return _Prepared(text, texts, starts, ends, tuple(sentence_of), tuple(sentences),
                     tuple((a, b) for a, b in ranges))


class _Match(NamedTuple):
    """A cue that fired: in which sentence and over which terms."""

    cue: CompiledCue
    sentence: int
    lo: int
    hi: int
    shown: str          # what the user sees as the cue: the phrase, or the text a regex matched


def _has_any(seq: Sequence[str], phrases: tuple[tuple[str, ...], ...],
             heads: frozenset[str]) -> bool:
    """Return True when one of `phrases` (whose first terms are `heads`) occurs in `seq`."""
    if heads.isdisjoint(seq):
        return False
    present = set(seq)
    for phrase in phrases:
        if phrase[0] not in present:
            continue
        if len(phrase) == 1:
            return True
        n = len(phrase)
        if any(tuple(seq[j:j + n]) == phrase for j in range(len(seq) - n + 1)):
            return True
    return False


def _context_ok(cue: CompiledCue, prep: _Prepared, match: _Match) -> bool:
    """Return True when `cue`'s requires/unless context holds around `match`."""
    if not cue.requires and not cue.unless:
        return True
    lo, hi = prep.ranges[match.sentence]
    if cue.window:
        lo, hi = max(lo, match.lo - cue.window), min(hi, match.hi + cue.window)
    around = prep.terms[lo:hi]        # the cue's own words count too (a regex may hold them)
    if cue.requires and not _has_any(around, cue.requires, cue.requires_heads):
        return False
    return not (cue.unless and _has_any(around, cue.unless, cue.unless_heads))


def _phrase_matches(prep: _Prepared, group: CompiledGroup, lang: str) -> Iterable[_Match]:
    """Yield the phrase cues of `group` found in `prep` (not yet context-checked)."""
    ts, index = prep.terms, group.by_first_term
    for i in [i for i, term in enumerate(ts) if term in index]:
        cues = index[ts[i]]
        s = prep.sentence_of[i]
        end = prep.ranges[s][1]
        for cue in cues:
            n = len(cue.terms)
            if i + n <= end and (n == 1 or ts[i + 1:i + n] == cue.terms[1:]) \
                    and cue.lang in ("any", lang):
                yield _Match(cue, s, i, i + n, cue.label)


def _shorten(text: str, limit: int = 60) -> str:
    """Return `text` on one line, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _regex_matches(prep: _Prepared, group: CompiledGroup, lang: str) -> Iterable[_Match]:
    """Yield the `re:` cues of `group` found in `prep` (not yet context-checked)."""
    sentence_starts = [a for a, _ in prep.sentences]
    folded = fold(prep.text) if group.regex_cues else ""
    for cue in group.regex_cues:
        if cue.lang not in ("any", lang):
            continue
        for m in cue.precheck.finditer(prep.text, folded):
            s = max(0, bisect_right(sentence_starts, m.start()) - 1)
            lo = bisect_right(prep.ends, m.start())
            hi = max(lo, bisect_right(prep.starts, m.end() - 1))
            yield _Match(cue, s, lo, hi, _shorten(m.group()))


def _matches(prep: _Prepared, group: CompiledGroup, lang: str) -> list[_Match]:
    """Return every cue of `group` that fires in `prep`, context rules applied."""
    found = [*_phrase_matches(prep, group, lang), *_regex_matches(prep, group, lang)]
    return [m for m in found if _context_ok(m.cue, prep, m)]


# --- scoring ----------------------------------------------------------------------------


class _SentenceScore(NamedTuple):
    """One tag's score in one sentence and the positive cues behind it."""

    sentence: int
    score: float
    cues: tuple[str, ...]


def _drop_nested(matches: list[_Match]) -> list[_Match]:
    """Return positive matches of one tag in one sentence, minus those inside a longer one."""
    kept: list[_Match] = []
    for m in sorted(matches, key=lambda m: (m.lo - m.hi, m.lo)):
        if not any(k.lo <= m.lo and m.hi <= k.hi for k in kept):
            kept.append(m)
    return kept


def _sentence_score(sentence: int, matches: list[_Match]) -> _SentenceScore:
    """Return the score of one tag in one sentence from its matches (each cue once)."""
    if len(matches) == 1:           # the common case, same result as the general one below
        m = matches[0]
        w = m.cue.weight
        return _SentenceScore(sentence, min(SENTENCE_CAP, w), (m.shown,)) if w > 0 \
            else _SentenceScore(sentence, w, ())
    positive = _drop_nested([m for m in matches if m.cue.weight > 0])
    best: dict[tuple[str, ...] | str, tuple[float, str]] = {}
    for m in positive:
        if m.cue.weight > best.get(m.cue.key, (0.0, ""))[0]:
            best[m.cue.key] = (m.cue.weight, m.shown)
    negative = {m.cue.key: m.cue.weight for m in matches if m.cue.weight < 0}
    score = min(SENTENCE_CAP, sum(w for w, _ in best.values()) + sum(negative.values()))
    cues = tuple(label for _, label in sorted(best.values(), key=lambda wl: -wl[0]))
    return _SentenceScore(sentence, score, cues)


def _score_tags(matches: list[_Match]) -> dict[int, list[_SentenceScore]]:
    """Return, per tag index, its positive sentence scores."""
    grouped: dict[tuple[int, int], list[_Match]] = {}
    for m in matches:
        grouped.setdefault((m.cue.tag, m.sentence), []).append(m)
    out: dict[int, list[_SentenceScore]] = {}
    for (tag, sentence), ms in grouped.items():
        scored = _sentence_score(sentence, ms)
        if scored.score > 0:
            out.setdefault(tag, []).append(scored)
    return out


def _evidence(prep: _Prepared, scores: list[_SentenceScore]) -> tuple[Evidence, ...]:
    """Return the best MAX_EVIDENCE sentences of a tag as evidence, strongest first."""
    best = sorted(scores, key=lambda s: (-s.score, s.sentence))[:MAX_EVIDENCE]
    out = []
    for s in best:
        start, end = prep.sentences[s.sentence]
        out.append(Evidence(text=prep.text[start:end], start=start, end=end, cue=" + ".join(s.cues)))
    return tuple(out)


def _compiled(taxonomy: Taxonomy | CompiledTaxonomy) -> CompiledTaxonomy:
    """Return the compiled form of `taxonomy` (compiled once per taxonomy)."""
    return taxonomy if isinstance(taxonomy, CompiledTaxonomy) else compile_taxonomy(taxonomy)


@dataclass(frozen=True, slots=True)
class PassageCues:
    """A passage's sentences and content terms, and each tag's positive sentence scores."""

    text: str
    sentences: tuple[tuple[int, int], ...]     # character spans
    terms: tuple[str, ...]                     # normalized content terms, in order
    sentence_of: tuple[int, ...]               # sentence index of each term
    scores: tuple[tuple[_SentenceScore, ...], ...]   # per topic tag, in taxonomy order


def cue_passage(text: str, taxonomy: Taxonomy | CompiledTaxonomy, lang: str = "en") -> PassageCues:
    """Return the cue evidence of a passage: every topic tag's sentence scores (see module doc)."""
    group = _compiled(taxonomy).topics
    prep = _prepare(text)
    per_tag = _score_tags(_matches(prep, group, lang))
    return PassageCues(text, prep.sentences, prep.terms, prep.sentence_of,
                       tuple(tuple(per_tag.get(i, ())) for i in range(len(group.tags))))


def passage_hits(cues: PassageCues, taxonomy: Taxonomy | CompiledTaxonomy) -> tuple[TagHit, ...]:
    """Return the tags whose passage score in `cues` reaches their threshold, with evidence."""
    group = _compiled(taxonomy).topics
    prep = _Prepared(cues.text, (), (), (), (), cues.sentences, ())
    hits = []
    for tag, scores in zip(group.tags, cues.scores):
        total = sum(s.score for s in scores)
        if scores and total >= tag.threshold:
            hits.append(TagHit(tag.id, tag.group, round(total, 3), _evidence(prep, list(scores))))
    return tuple(hits)


def tag_passage(text: str, taxonomy: Taxonomy | CompiledTaxonomy, lang: str = "en") -> tuple[TagHit, ...]:
    """Return the loe and principle tags of a passage, in taxonomy order, with evidence.

    Deterministic. Evidence offsets index into `text` (text[e.start:e.end] == e.text) and
    are ordered strongest first. Cues whose `lang` is neither "any" nor `lang` are skipped.
    """
    return passage_hits(cue_passage(text, taxonomy, lang), taxonomy)


# --- documents --------------------------------------------------------------------------


def _position_weight(index: int) -> float:
    """Return the weight of the passage at `index` in document aggregation."""
    return FIRST_PASSAGE_BONUS[index] if index < len(FIRST_PASSAGE_BONUS) else 1.0


def _length_factor(passages: int) -> float:
    """Return how much a long document raises doc_threshold (1.0 up to LENGTH_PIVOT passages)."""
    return max(1.0, math.sqrt(passages / LENGTH_PIVOT))


def _document_evidence(found: list[tuple[int, TagHit]], ids: Sequence[str]) -> tuple[Evidence, ...]:
    """Return the best MAX_EVIDENCE items over passages: each passage's best first."""
    ranked = sorted(((rank, -hit.score, i, ev) for i, hit in found
                     for rank, ev in enumerate(hit.evidence)), key=lambda r: r[:3])
    return tuple(replace(ev, passage_id=ids[i] if i < len(ids) else "")
                 for _, _, i, ev in ranked[:MAX_EVIDENCE])


def tag_document(passage_tags: Sequence[tuple[TagHit, ...]], taxonomy: Taxonomy | CompiledTaxonomy,
                 passage_ids: Sequence[str] | None = None) -> tuple[TagHit, ...]:
    """Return the document's tags aggregated from its passages' tags, in taxonomy order.

    A tag's document score is the sum of its passage scores, the first passages weighted up
    (FIRST_PASSAGE_BONUS); it must reach `doc_threshold`, scaled up for documents longer than
    LENGTH_PIVOT passages, so one stray sentence does not tag a document. Evidence items carry
    the passage id from `passage_ids` (same order as `passage_tags`).
    """
    tags = _compiled(taxonomy).topics.tags
    ids = passage_ids or ()
    factor = _length_factor(len(passage_tags))
    out = []
    for tag in tags:
        found = [(i, hit) for i, hits in enumerate(passage_tags) for hit in hits
                 if hit.tag == tag.id and hit.group == tag.group]
        score = sum(hit.score * _position_weight(i) for i, hit in found)
        if found and score >= tag.doc_threshold * factor:
            out.append(TagHit(tag.id, tag.group, round(score, 3), _document_evidence(found, ids)))
    return tuple(out)


# --- document type ----------------------------------------------------------------------


def _type_scores(text: str, group: CompiledGroup, lang: str, scope: str) -> dict[int, float]:
    """Return per type index the sum of its distinct cue weights (of `scope`) found in `text`.

    In a title, cues before the first preposition (the head: "Report on ...") weigh more.
    """
    if not text.strip():
        return {}
    prep = _prepare(text)
    head = _PREPOSITION.search(text) if scope == "title" else None
    head_end = (head.start() if head else len(text)) if scope == "title" else -1
    fired: dict[tuple[int, tuple[str, ...] | str], float] = {}
    for m in _matches(prep, group, lang):
        if m.cue.scope in ("any", scope):
            key = (m.cue.tag, m.cue.key)
            start = prep.starts[m.lo] if m.lo < len(prep.starts) else len(text)
            weight = m.cue.weight * (HEAD_BONUS if start < head_end else 1.0)
            fired[key] = max(fired.get(key, weight), weight)
    out: dict[int, float] = {}
    for (tag, _), weight in fired.items():
        out[tag] = out.get(tag, 0.0) + weight
    return out


def classify_type(title: str, text: str, taxonomy: Taxonomy | CompiledTaxonomy, lang: str = "en") -> str:
    """Return the document type id (title cues weigh TITLE_WEIGHT times body cues).

    Returns "other" when no type reaches its `threshold`. Ties go to the type listed first.
    """
    group = _compiled(taxonomy).types
    scores = {i: TITLE_WEIGHT * w for i, w in _type_scores(title, group, lang, "title").items()}
    for i, w in _type_scores(text[:BODY_CHARS], group, lang, "text").items():
        scores[i] = scores.get(i, 0.0) + w
    best = max(scores, key=lambda i: (scores[i], -i), default=None)
    if best is None or scores[best] < group.tags[best].threshold:
        return "other"
    return group.tags[best].id


def type_scores(title: str, text: str, taxonomy: Taxonomy | CompiledTaxonomy,
                lang: str = "en") -> dict[str, float]:
    """Return the cue score of every type `classify_type` weighs (title and body), by type id."""
    group = _compiled(taxonomy).types
    scores = {i: TITLE_WEIGHT * w for i, w in _type_scores(title, group, lang, "title").items()}
    for i, w in _type_scores(text[:BODY_CHARS], group, lang, "text").items():
        scores[i] = scores.get(i, 0.0) + w
    return {group.tags[i].id: s for i, s in scores.items()}
