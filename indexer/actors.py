"""Who a statement is by: the actor mentions of a sentence and the one that acts."""
from __future__ import annotations

import re
from typing import NamedTuple

from indexer.literals import fold, prechecked
from indexer.records import ACTOR_BOTH as BOTH
from indexer.records import ACTOR_NATO as NATO
from indexer.records import ACTOR_PARTNERS as PARTNERS
from indexer.records import ACTOR_UKRAINE as UKRAINE
from indexer.records import ACTOR_US as US

_FIRST_PERSON = re.compile(r"(?<!\w)(?i:we|our|ours|us|ми|нас|нам|наш\w*)(?!\w)")

NEAR_AFTER = 80        # chars: a mention this close after the verb may still be its agent

# Countries and peoples other than the two sides (a closed class: allies, partners, donors).
_COUNTRIES = (
    r"(?:Albania|Australia|Austria|Belgium|Bulgaria|Canada|Croatia|Czech(?:ia| Republic)|Denmark|"
    r"Estonia|Finland|France|Georgia|Germany|Greece|Hungary|Iceland|Ireland|Italy|Japan|Korea|"
    r"Latvia|Lithuania|Luxembourg|Moldova|Montenegro|(?:the )?Netherlands|North Macedonia|Norway|"
    r"Poland|Portugal|Romania|Slovakia|Slovenia|Spain|Sweden|Switzerland|Türkiye|Turkey|Britain|"
    r"Armenia|Azerbaijan|Philippines|Israel|"
    r"Albanian|Australian|Austrian|Belgian|Bulgarian|Canadian|Croatian|Czech|Danish|Estonian|"
    r"Finnish|French|Georgian|German|Greek|Hungarian|Icelandic|Irish|Italian|Japanese|Korean|"
    r"Latvian|Lithuanian|Dutch|Norwegian|Polish|Poles|Portuguese|Romanian|Slovak|Slovenian|"
    r"Spanish|Swedish|Swiss|Turkish|British|Armenian|Moldovan)")
_UK_COUNTRIES = (
    r"Австрал|Австрі|Бельгі|Болгарі|Канад|Хорвати|Чехі|Дані|Естоні|Фінлянді|Франці|Грузі|"
    r"Німеччин|Греці|Угорщин|Ісланді|Ірланді|Італі|Японі|Латві|Литв|Люксембург|Молдов|"
    r"Нідерланд|Норвегі|Польщ|Португалі|Румуні|Словаччин|Словені|Іспані|Швеці|Швейцарі|"
    r"Туреччин|Британі|Великобритані|Сполучен\w+ Королівств")

# Longer names first inside each pattern; overlapping shorter mentions are dropped.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (BOTH, re.compile(
        r"\b(?i:(?:both|the two|the|each) (?:sides?|co-chairs|participants?|parties|party|ministries)|"
        r"(?:both|the two) (?:countries|nations|leaders|governments|ministers|presidents|states))\b|"
        r"\bco-chairs\b|(?:Кожна |Обидві |кожна зі |обидві )?[Сс]торон[аи]\b|[Сс]півголов\w*|"
        r"(?:[Оо]бидві|[Оо]бох|[Дд]ві) (?:країн\w*|держав\w*|уряд\w*|лідер\w*|міністр\w*|президент\w*)")),
    (US, re.compile(
        r"(?:the )?U\.?S\.? (?:side|Department of Defen[sc]e|forces|personnel|instructors)|"
        r"\bU\.S\.(?=\s)|\bUS\b|\bUnited States\b|\bDoD\b|\bDOD\b|\bDSCA\b|\bEUCOM\b|\bODC\b|"
        r"\bOffice of Defense Cooperation\b|\bDepartment of Defen[sc]e\b|\bPentagon\b|"
        r"\bSecretary of Defense\b|\bAmerican side\b|\b(?:U\.S\. )?Congress\b|\bWhite House\b|"
        r"\b(?:U\.S\. )?(?:Department of State|State Department)\b|\bAmericans?\b|"
        r"Конгрес\w* США|Держдеп\w*|Білого дому|Білий дім|"
        r"Міністерств\w+ оборони США|Американськ\w+ [Сс]торон\w+|американськ\w+ [Сс]торон\w+|"
        r"американськ\w+ радник\w*|Американськ\w+ радник\w*|\bСША\b")),
    (UKRAINE, re.compile(
        r"\b(?:the )?Ministry of Defen[cs]e(?: of Ukraine)?\b|\bUkrainian (?:side|Ministry of "
        r"Defen[cs]e|government|[Gg]overnment|President|Prime Minister|Minister|Defen[cs]e Minister|"
        r"[Aa]rmed [Ff]orces|forces|[Pp]arliament|authorities|military|delegation)\b|"
        r"\b(?:President|Prime Minister|Government|Parliament|Minister of Defen[cs]e|"
        r"Defen[cs]e Minister) of Ukraine\b|\bArmed Forces of Ukraine\b|\bGeneral Staff\b|\bMoD\b|\bMOD\b|"
        r"\bMain Directorate of Logistics\b|\b(?:the )?Ministry\b|\bUkraine\b|"
        r"Міністерство оборони(?: України)?|Міністерств\w+ оборони(?: України)?|Міноборони|"
        r"(?:Президент\w*|Прем'єр-міністр\w*|Уряд\w*|Збройн\w+ [Сс]ил\w*) України|"
        r"\bМОУ\b|Українськ\w+ [Сс]торон\w+|Генеральн\w+ штаб\w*|\bГШ ЗСУ\b|\bЗСУ\b|"
        r"\bVerkhovna Rada\b|\bCabinet of Ministers\b|\bNational Security and Defen[cs]e Council\b|"
        r"\bNSDC\b|\bРНБО\b|Кабмін\w*|Кабінет\w* [Мм]іністрів|Верховн\w+ Рад\w*|"
        r"Головн\w+ управлінн\w+ логістики|Командуванн\w+|Департамент\w*|[Мм]іністерств\w+|"
        r"Україн[аи]\b")),
    (NATO, re.compile(r"\bNATO\b|\bthe Alliance\b|\bNorth Atlantic (?:Council|Alliance)\b|НАТО|"
                      r"Північноатлантичн\w+ (?:[Рр]ад\w*|[Аа]льянс\w*)")),
    (PARTNERS, re.compile(
        r"\b(?:(?i:allies|partners|partner nations|donors?|signatories|coalition)|G7|"
        r"(?:\d+|many|other|partner|allied|European) (?:nations|countries)|European Union|EU|United Kingdom|UK|"
        r"Multinational Joint Commission|MJC|[Cc]ontact [Gg]roup|European Commission|"
        r"EU Council|Council of the EU|" + _COUNTRIES + r")\b|"
        r"[Пп]артнер\w*|[Сс]оюзник\w*|[Кк]оаліці\w*|\bЄС\b|[Дд]онор\w*|\bБОК\b|Європейськ\w+ (?:[Сс]оюз|[Кк]омісі|[Рр]ад)\w*|"
        r"(?<!\w)(?:" + _UK_COUNTRIES + r")\w*")),
)
# An actor right after one of these words is the object or the recipient, not the actor.
_OBJECT_BEFORE = re.compile(
    r"(?:\b(?:to|for|with|from|against|of|in|into|on|at|among|between|than|via|through|"
    r"under|across)|(?<!\w)(?:з|зі|із|до|для|від|проти|у|в|між|серед|через|перед))\s+(?:the\s+)?$",
    re.IGNORECASE)


class Mention(NamedTuple):
    """One actor named in a sentence, at [start, end)."""

    start: int
    end: int
    actor: str


# The same patterns with their literal pre-checks (indexer/literals.py): most sentences
# name few of the actors, and a substring test costs far less than a scan.
_CHECKED = tuple((actor, prechecked(rx)) for actor, rx in _PATTERNS)


def all_mentions(sentence: str) -> list[Mention]:
    """Return every actor mention of `sentence`, objects and recipients included, in order."""
    folded = fold(sentence)
    found = [Mention(m.start(), m.end(), actor) for actor, check in _CHECKED
             for m in check.finditer(sentence, folded)]
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


def object_word(sentence: str, m: Mention) -> str | None:
    """Return the preposition making mention `m` an object or recipient ("to", "з"), or None."""
    got = _OBJECT_BEFORE.search(sentence[max(0, m.start - 12):m.start])
    return got.group(0).split()[0].lower() if got else None


def mentions(sentence: str) -> list[Mention]:
    """Return the actor mentions of `sentence` that can be a subject, in order."""
    return [m for m in all_mentions(sentence) if object_word(sentence, m) is None]


def actor_at(sentence: str, trigger: int | None) -> str | None:
    """Return the actor acting at `trigger`: the nearest mention before it, else the first one."""
    found = mentions(sentence)
    heads = [m for m in all_mentions(sentence) if object_word(sentence, m) in (None, "of")]
    if not heads:
        return None
    if trigger is not None:
        before = [m for m in found if m.end <= trigger]
        # "the Inspectorate of A and the Office of B signed": two sides named as one subject
        pair = [m for m in heads if m.end <= trigger]
        if len(pair) >= 2 and _is_pair(sentence, pair[-2], pair[-1]):
            return BOTH
        if before:
            return before[-1].actor
        after = [m for m in found if m.start - trigger <= NEAR_AFTER]
        return after[0].actor if after else None
    if len(heads) >= 2 and _is_pair(sentence, heads[0], heads[1]):
        return BOTH
    return found[0].actor if found else None


PAIR_GAP = 40           # chars: "Ukrainian President X and German Chancellor Y" is still one subject
_PAIR_JOIN = re.compile(r"(?:^|[\s,])(?:and|та|і|й|together with|разом з|разом із)(?:\s+the)?\s*$", re.IGNORECASE)


def _is_pair(sentence: str, first: Mention, second: Mention) -> bool:
    """Return True for "the United States and Ukraine" (also with names or appositions
    between): two different sides named as one subject."""
    between = sentence[first.end:second.start]
    if len(between) > PAIR_GAP or re.search(r"[;:.!?()]", between):
        return False
    return (bool(_PAIR_JOIN.search(between)) and first.actor != second.actor
            and BOTH not in (first.actor, second.actor))


# Verbs two parties do together: "A signed a memorandum with B", "signed by A and by B".
_JOINT_VERB = re.compile(
    r"(?<!\w)(?i:sign(?:ed|s)?|concluded|підписал\w*|підписав\w*|уклал\w*|уклав)(?!\w)")
JOINT_GAP = 40          # chars: "signed with B" / "підписали з B" right after the verb
_BY = re.compile(r"(?<!\w)(?i:by)\s+(?:the\s+)?$")
_WITH = re.compile(r"(?<!\w)(?i:with|з|із|зі)\s+(?:the\s+)?$")


def joint_action(sentence: str) -> bool:
    """Return True when two different sides do one act together: "signed by A and by B",
    "A signed (an agreement) with B", "A і B підписали", "A підписало з B"."""
    verb = _JOINT_VERB.search(sentence)
    if not verb:
        return False
    every = all_mentions(sentence)
    before = lambda m, rx: bool(rx.search(sentence[max(0, m.start - 12):m.start]))
    agents = {m.actor for m in every if m.start > verb.start() and before(m, _BY)}
    if len(agents - {BOTH}) >= 2:
        return True
    partners = {m.actor for m in every if 0 < m.start - verb.end() <= JOINT_GAP and before(m, _WITH)}
    subjects = {m.actor for m in mentions(sentence[:verb.start()])}
    return bool(partners and subjects and (partners | subjects) - {BOTH} != partners & subjects)


_SAID = re.compile(
    r"(?<!\w)(?i:said|says|stated|noted|added|told|stressed|emphasi[sz]ed|underlined|according to|"
    r"заяв\w+|зазнач\w+|повідом\w+|наголос\w+|підкресл\w+|додав|додала|за словами)(?!\w)")
REPORTER_GAP = 30       # chars between a reporting verb and the one who reports


def reporter(sentence: str) -> str | None:
    """Return the actor of a reporting clause ("..., the Secretary of Defense said";
    "за словами Міністра оборони України"): whose "we" the quoted words are, or None."""
    for verb in _SAID.finditer(sentence):
        for m in mentions(sentence):
            if 0 <= verb.start() - m.end <= REPORTER_GAP or 0 <= m.start - verb.end() <= REPORTER_GAP:
                return m.actor
    return None


def speaks(sentence: str, trigger: int | None) -> bool:
    """Return True when the document's own voice acts: "we"/"our"/"ми" before the verb at
    `trigger` and after any actor named there."""
    head = sentence[:trigger] if trigger is not None else sentence
    we = _FIRST_PERSON.search(head)
    before = [m for m in mentions(sentence) if trigger is not None and m.end <= trigger]
    return bool(we) and (not before or we.start() > before[-1].start)


def acting_actor(sentence: str, trigger: int | None, speaker: str | None = None) -> str | None:
    """Return the actor acting at `trigger`; "we"/"our"/"ми" (or no actor named) is `speaker`,
    the side whose voice the document is (indexer/doc_context.py)."""
    if joint_action(sentence):
        return BOTH
    if speaks(sentence, trigger):
        said = reporter(sentence)
        if said or speaker:
            return said or speaker
    got = actor_at(sentence, trigger)
    return speaker if got is None else got
