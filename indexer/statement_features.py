"""Named features of a sentence (is it a commitment or decision?) and of its actor (who acts?).

The learned statement model (indexer/learning/statements.py) weighs these; they are the
rules' own signals (indexer/statements.py patterns) plus general cues in English and
Ukrainian: future, modal and obligation verbs, deciding verbs, first person, reported
speech, quotes, length, place in the document, and the document's voice (indexer/doc_context.py).
"""
from __future__ import annotations

import re

from indexer.actors import acting_actor, all_mentions, mentions, object_word
from indexer.doc_context import DocContext
from indexer.statements import rule_signals

Features = dict[str, float]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FIRST_PERSON = re.compile(r"(?<!\w)(?i:we|our|ours|us|ми|нас|нам|наш\w*|я|i)(?!\w)")
_FIRST_PERSON_PLURAL = re.compile(r"(?<!\w)(?i:we|our|ours|us|ми|нас|нам|наш\w*)(?!\w)")
_REPORTED = re.compile(
    r"(?<!\w)(?i:said|says|stated|noted|added|told|stressed|emphasi[sz]ed|underlined|announced|"
    r"according to|заяв\w+|зазнач\w+|повідом\w+|наголос\w+|підкресл\w+|додав|додала|за словами)(?!\w)")
_QUOTE = re.compile(r"[\"“”«»„]")
_OBLIGATION = re.compile(
    r"(?<!\w)(?i:shall|must|should|is to|are to|will|would|intends?|plans? to|aims? to|seeks? to|"
    r"ready to|continue to|continues to|remain|remains|має|мають|повинн\w+|мусить|буде|будуть|"
    r"планує|планують|продовж\w+|готов\w+)(?!\w)")
_DECIDE = re.compile(
    r"(?<!\w)(?i:agreed|decided|approved|adopted|signed|endorsed|launched|established|announced|"
    r"authori[sz]ed|allocated|directed|ratified|concluded|погод\w+|ухвал\w+|затверд\w+|"
    r"підпис\w+|схвал\w+|вирішил\w+|вирішено|запровад\w+|створ\w+|виділ\w+|спрямува\w+|"
    r"ухвалив|ввів|увів|рішення)(?!\w)")
_PAST = re.compile(r"(?<!\w)(?i:has|have|had|was|were)(?!\w)|\b\w+ed\b|(?<!\w)\w+(?:ли|ла|ло|в)(?!\w)")

_OPENING_NAME = re.compile(r"(?:[A-ZА-ЯІЇЄҐ][\w'’.-]+\s+){0,4}[A-ZА-ЯІЇЄҐ][\w'’-]+\s+[a-zа-яіїєґ]")

UK_STEM = 6             # Ukrainian words are cut to this many letters (inflections vary)
EN_STEM = 7


def may_state(sentence: str) -> bool:
    """Return True when `sentence` holds an obligation, future or deciding verb."""
    return bool(_OBLIGATION.search(sentence) or _DECIDE.search(sentence))


def _stem(word: str, lang: str) -> str:
    w = word.lower()
    if re.match(r"[а-яіїєґ']", w):
        return w[:UK_STEM]
    return w[:EN_STEM]


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n < e:
            return f"<{e}"
    return f">={edges[-1]}"


def sentence_features(sentence: str, ctx: DocContext | None, passage_no: int = 1,
                      sentence_no: int = 0) -> Features:
    """Return the features deciding whether `sentence` is a commitment, a decision or neither.

    `passage_no` is the passage's place in the document (from 1), `sentence_no` the
    sentence's place in its passage (from 0): leads state the news."""
    kind, _, hits = rule_signals(sentence)
    lang = ctx.lang if ctx else "en"
    f: Features = {f"rule:{kind or 'none'}": 1.0, f"lang:{lang}": 1.0}
    for h in hits:
        f[f"pat:{h}"] = 1.0
    words = _WORD.findall(sentence)
    for w in words:
        f[f"w:{_stem(w, lang)}"] = 1.0
    for w in words[:3]:
        f[f"head:{_stem(w, lang)}"] = 1.0
    f[f"len:{_bucket(len(words), (6, 12, 25, 45, 70))}"] = 1.0
    f[f"pos:{_bucket(passage_no, (2, 3, 5, 10))}"] = 1.0
    f[f"at:{min(passage_no, 3)}:{min(sentence_no, 2)}"] = 1.0
    for name, rx in (("first_person", _FIRST_PERSON_PLURAL), ("reported", _REPORTED),
                     ("quote", _QUOTE), ("obligation", _OBLIGATION), ("decide", _DECIDE),
                     ("past", _PAST)):
        if rx.search(sentence):
            f[name] = 1.0
    if sentence.rstrip().endswith(":"):
        f["ends_colon"] = 1.0
    if sentence.rstrip().endswith("?"):
        f["question"] = 1.0
    if not re.search(r"[.!?;:…»”\"')]\s*$", sentence):
        f["no_final_stop"] = 1.0
    found = mentions(sentence)
    f[f"mentions:{min(len(found), 3)}"] = 1.0
    if found and found[0].start < 40:
        f["opening_actor"] = 1.0
    if _OPENING_NAME.match(sentence):
        f["opening_name"] = 1.0
    if ctx is not None and ctx.title and _same_words(sentence, ctx.title):
        f["is_title"] = 1.0
    if ctx is not None:
        if ctx.doc_type:
            f[f"type:{ctx.doc_type}"] = 1.0
        if ctx.joint:
            f["joint"] = 1.0
    return f


def _same_words(a: str, b: str) -> bool:
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    return bool(wa) and wa[:12] == wb[:12]


_ACT_VERB = re.compile(
    r"(?<!\w)(?i:will|shall|would|must|intends?|plans?|agreed|agree|decided|approved|adopted|signed|"
    r"endorsed|launched|established|announced|authori[sz]ed|allocated|pledged|committed|"
    r"reaffirmed|confirmed|reiterated|commit|pledge|declare|is to|are to|has|have|"
    r"погод\w+|ухвал\w+|затверд\w+|підпис\w+|схвал\w+|вирішил\w+|запровад\w+|створ\w+|"
    r"виділ\w+|буде|будуть|має|мають|планує|планують|зобов\w+|продовж\w+)(?!\w)")
_BY_AGENT = re.compile(r"(?<!\w)(?i:by|від імені|by the)\s+(?:the\s+)?$")
_BILATERAL = re.compile(
    r"(?<!\w)(?i:bilateral|between|both|mutual|jointly|together|each other|two countries|"
    r"двосторонн\w+|спільн\w+|обох|обидві|взаємн\w+|між|разом)(?!\w)")


def _verb_at(sentence: str, trigger: int | None) -> int | None:
    """Return `trigger`, or where the sentence's first acting verb is when the rules saw none."""
    if trigger is not None:
        return trigger
    m = _ACT_VERB.search(sentence)
    return m.start() if m else None


def actor_features(sentence: str, trigger: int | None, ctx: DocContext | None) -> Features:
    """Return the features deciding which actor acts in `sentence` (verb at `trigger`)."""
    found = mentions(sentence)
    f: Features = {f"rule:{acting_actor(sentence, trigger, ctx.speaker if ctx else None)}": 1.0}
    if trigger is None:
        f["no_trigger"] = 1.0
    trigger = _verb_at(sentence, trigger)
    every = all_mentions(sentence)
    for m in every:
        prep = object_word(sentence, m)
        if prep is not None:
            f[f"obj:{m.actor}"] = 1.0
            f[f"obj:{prep}:{m.actor}"] = 1.0
        if _BY_AGENT.search(sentence[max(0, m.start - 12):m.start]):
            f[f"by:{m.actor}"] = 1.0
    by = {m.actor for m in every if _BY_AGENT.search(sentence[max(0, m.start - 12):m.start])}
    if len(by) >= 2:
        f["by_two"] = 1.0
    if len({m.actor for m in every}) >= 2:
        f["two_sides_named"] = 1.0
    if _BILATERAL.search(sentence):
        f["bilateral"] = 1.0
    rep = _REPORTED.search(sentence)
    if rep and found:
        near = min(found, key=lambda m: min(abs(m.start - rep.end()), abs(rep.start() - m.end)))
        f[f"reporter:{near.actor}"] = 1.0
    before = [m for m in found if trigger is not None and m.end <= trigger]
    after = [m for m in found if trigger is not None and m.start >= trigger]
    if before:
        f[f"before:{before[-1].actor}"] = 1.0
        if len(before) >= 2:
            f[f"before2:{before[-2].actor}|{before[-1].actor}"] = 1.0
    elif after:
        f[f"after:{after[0].actor}"] = 1.0
    if found:
        f[f"first:{found[0].actor}"] = 1.0
        if found[0].start < 40:
            f[f"opening:{found[0].actor}"] = 1.0
    for m in found:
        f[f"any:{m.actor}"] = 1.0
    subject_less = not before and not (found and found[0].start < 40)
    first_person = _FIRST_PERSON.search(sentence[:trigger] if trigger else sentence)
    if ctx is not None:
        f[f"lang:{ctx.lang}"] = 1.0
        if ctx.speaker:
            f[f"spk:{ctx.speaker}"] = 1.0
            if first_person:
                f[f"fp_spk:{ctx.speaker}"] = 1.0
            if subject_less:
                f[f"nosubj_spk:{ctx.speaker}"] = 1.0
        for i, a in enumerate(ctx.head_actors[:3]):
            f[f"headactor{i}:{a}"] = 1.0
        for a in ctx.title_actors[:2]:
            f[f"title:{a}"] = 1.0
        if ctx.joint:
            f["joint"] = 1.0
            if first_person:
                f["fp_joint"] = 1.0
    if first_person:
        f["first_person"] = 1.0
    if not found:
        f["no_mention"] = 1.0
    return f
