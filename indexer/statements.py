"""Classify sentences as commitments, decisions, action items or figures, with actor,
amount and due date."""
from __future__ import annotations

import re

from indexer.records import Statement
from indexer.sentences import sentence_spans

KINDS = ("commitment", "decision", "action", "figure")

_DECISION = re.compile(
    r"\b(agreed|decided|approved|endorsed|adopted|resolved|concurred|signed off)\b|"
    r"\b(it was (agreed|decided))\b|"
    r"(погодил|домовил|ухвалил|ухвален|затвердил|затверджен|вирішил|вирішено|погоджено|схвалил|схвален)",
    re.IGNORECASE)
_COMMITMENT = re.compile(
    r"\b(will|shall|commits? to|committed to|pledged?|pledges|undertakes? to|intends? to|"
    r"is committed to|are committed to|remains? committed)\b|"
    r"(зобов['’]язу|зобов['’]яза|забезпечить|забезпечать|надасть|нададуть|продовжить|продовжать|"
    r"буде |будуть |має намір|мають намір)",
    re.IGNORECASE)
_ACTION = re.compile(
    r"^\s*(action( item)?s?\s*[:\-–]|захід\s*:|доручення\s*:|відповідальн)|"
    r"\b(to (deliver|submit|prepare|provide|draft|present|report|complete|brief)\b.*\bby\b)|"
    r"\b(no later than|deadline|due by|до \d{1,2} \w+ \d{4})",
    re.IGNORECASE)
_MONEY = re.compile(
    r"([$€£]\s?\d[\d,.]*\s*(million|billion|thousand|mn|bn|m|b)?\b|"
    r"\b(USD|EUR|UAH|US\$)\s?\d[\d,.]*\s*(million|billion)?|"
    r"\b\d[\d,.]*\s*(million|billion)\s+(dollars|euros|hryvnias?)|"
    r"\b\d[\d,. ]*\s*(млн|млрд|тис\.?)\s*(грн|гривень|доларів|дол\.|євро)|"
    r"\b\d[\d,. ]*\s*(грн|гривень)\b)",
    re.IGNORECASE)
_EQUIPMENT = re.compile(
    r"\b\d[\d,]*\s+(?:[\w-]+\s+){0,3}(radars?|vehicles?|howitzers?|missiles?|rounds|"
    r"drones?|boats?|aircraft|helicopters?|systems|launchers?|tanks|rifles|units of)\b",
    re.IGNORECASE)
_DUE = re.compile(
    r"\b(?:by|before|no later than|until|до)\s+((?:\d{1,2}\s+)?[A-Za-zА-Яа-яіїєґ]+\s+\d{4}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}|(?:the )?end of \d{4}|Q[1-4] \d{4})",
    re.IGNORECASE)
_ACTORS = (
    ("United States / DoD", re.compile(
        r"\b(U\.?S\.? Department of Defen[sc]e|DoD|Pentagon|United States|U\.S\.|US side|"
        r"American side|EUCOM|Secretary of Defense)\b|(США|Міністерство оборони США|"
        r"американськ)")),
    ("Ukraine / MoD", re.compile(
        r"\b(Ministry of Defen[cs]e of Ukraine|Ukrainian Ministry of Defen[cs]e|MoD|MOD|"
        r"Ukraine|Ukrainian side|General Staff|Armed Forces of Ukraine)\b|(Міністерство оборони|"
        r"Міноборони|МОУ|Україна|українськ|Генеральн\w+ штаб|ЗСУ)")),
    ("NATO", re.compile(r"\b(NATO|the Alliance)\b|НАТО")),
    ("Other partners", re.compile(
        r"\b(allies|partners|partner nations|European Union|EU|United Kingdom|UK|Canada|"
        r"Lithuania|Poland|Germany|contact group|donors?)\b|(партнер|союзник|ЄС)", re.IGNORECASE)),
)


def extract_statements(text: str, lang: str = "en") -> tuple[Statement, ...]:
    """Return the statements found in `text`, one per classified sentence, in order."""
    out = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        kind = classify_sentence(sentence)
        if kind:
            out.append(Statement(kind=kind, text=sentence, start=start, end=end,
                                 actor=find_actor(sentence), amount=find_amount(sentence),
                                 due=find_due(sentence)))
    return tuple(out)


def classify_sentence(sentence: str) -> str | None:
    """Return the statement kind of one sentence, or None if it is none of them."""
    if _ACTION.search(sentence):
        return "action"
    if _DECISION.search(sentence):
        return "decision"
    if _COMMITMENT.search(sentence):
        return "commitment"
    if _MONEY.search(sentence) or _EQUIPMENT.search(sentence):
        return "figure"
    return None


def find_actor(sentence: str) -> str | None:
    """Return the first actor named in the sentence (by position), or None."""
    found = [(m.start(), name) for name, rx in _ACTORS for m in [rx.search(sentence)] if m]
    return min(found)[1] if found else None


def find_amount(sentence: str) -> str | None:
    """Return the first money or equipment amount as written, or None."""
    m = _MONEY.search(sentence) or _EQUIPMENT.search(sentence)
    return m.group(0).strip() if m else None


def find_due(sentence: str) -> str | None:
    """Return the deadline as written ("30 June 2019"), or None."""
    m = _DUE.search(sentence)
    return m.group(1) if m else None
