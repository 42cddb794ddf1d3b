"""Pure functions that infer document metadata from text: dates, language, orgs, amounts.

Every function returns None or an empty tuple when it is not sure: metadata is never invented.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import NamedTuple

from indexer.literals import fold, prechecked
from indexer.records import Acronym, Amount, Block

# How much text the scanners look at, so a huge file cannot make them slow.
DATE_SCAN_CHARS = 4_000
SCAN_CHARS = 1_000_000

# ---------------------------------------------------------------------------------------
# Dates

_MONTH_PREFIXES = (
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
    ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ("січ", 1), ("лют", 2), ("берез", 3), ("квіт", 4), ("трав", 5), ("черв", 6),
    ("лип", 7), ("серп", 8), ("верес", 9), ("жовт", 10), ("листоп", 11), ("груд", 12),
)
_UK_ENDINGS = r"(?:ня|ень|ні)"
_MONTH = (
    r"(?P<mon>(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
    rf"|(?:січ{_UK_ENDINGS}|лют(?:ого|ий|ому)|берез{_UK_ENDINGS}|квіт{_UK_ENDINGS}"
    rf"|трав{_UK_ENDINGS}|черв{_UK_ENDINGS}|лип{_UK_ENDINGS}|серп{_UK_ENDINGS}"
    rf"|верес{_UK_ENDINGS}|жовт{_UK_ENDINGS}|листопад[аі]?|груд{_UK_ENDINGS}))(?!\w)"
)
_SP = r"[\s\u00a0]+"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
# (pattern, precision): precision 3 = day, 2 = month
_DATE_PATTERNS = (
    (re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?!\d)"), 3),
    (re.compile(rf"(?<![\d.]){_DAY}(?:{_SP}of)?{_SP}{_MONTH},?{_SP}{_YEAR}", re.I), 3),
    (re.compile(rf"(?<!\w){_MONTH}{_SP}{_DAY},?{_SP}{_YEAR}", re.I), 3),
    (re.compile(rf"(?<!\d){_DAY}-{_MONTH}-{_YEAR}", re.I), 3),
    (re.compile(rf"(?<![\d.])(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.{_YEAR}"), 3),
    (re.compile(rf"(?<![\d/])(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})/{_YEAR}"), 3),
    (re.compile(rf"(?<!\w){_MONTH},?{_SP}{_YEAR}", re.I), 2),
)
_DATELINE_MAX = 60
_PROSE_DATE_CHARS = 1_000        # a date in running text counts only this close to the top
_DATE_CUE_BEFORE = re.compile(
    r"(?i)(posted|published|dated|issued|date:|released|опубліковано|дата:)[\s|:,-]*$")
_REFERENCE_BEFORE = re.compile(
    r"(?i)\b(updated|since|until|through|as of|before|after|starting|оновлено|з|до|після)[\s:,-]*$")


_RANGE_AFTER = re.compile(r"\s*(?:[–—-]|to\b|through\b|until\b|till\b|до\b|по\b)\s*(?:\w+\.?\s+)?\d", re.I)

_RANGE_BEFORE = re.compile(r"\d\s*(?:[–—-]|to|through|until|till|до|по)\s*$", re.I)


class _DateHit(NamedTuple):
    start: int
    end: int
    iso: str
    precision: int


def _month_number(word: str) -> int | None:
    """Return the month number of an English or Ukrainian month word, or None."""
    lowered = word.lower().rstrip(".")
    for prefix, number in _MONTH_PREFIXES:
        if lowered.startswith(prefix):
            return number
    return None


def _hit_from_match(m: re.Match[str], precision: int) -> _DateHit | None:
    """Return a validated date hit for a regex match, or None if it is not a real date."""
    groups = m.groupdict()
    if groups.get("mon") == "may":           # the verb "may", not the month
        return None
    month = _month_number(groups["mon"]) if groups.get("mon") else int(groups["month"])
    year = int(groups["year"])
    if month is None:
        return None
    try:
        day = dt.date(year, month, int(groups["day"]) if precision == 3 else 1)
    except ValueError:
        return None
    iso = day.isoformat() if precision == 3 else f"{year:04d}-{month:02d}"
    return _DateHit(m.start(), m.end(), iso, precision)


# With literal pre-checks (indexer/literals.py): most lines hold no date at all.
_DATE_CHECKS = tuple((prechecked(pattern), precision) for pattern, precision in _DATE_PATTERNS)


def _date_hits(text: str) -> list[_DateHit]:
    """Return all date mentions in `text`, day-precision hits shadowing overlapping month ones."""
    hits: list[_DateHit] = []
    folded = fold(text)
    for pattern, precision in _DATE_CHECKS:
        for m in pattern.finditer(text, folded):
            hit = _hit_from_match(m, precision)
            if hit and not any(h.start < hit.end and hit.start < h.end for h in hits):
                hits.append(hit)
    return sorted(hits)


def _date_score(text: str, hit: _DateHit) -> int | None:
    """Score how likely `hit` is the document's own date; None means ignore it."""
    line_start = text.rfind("\n", 0, hit.start) + 1
    line_end = text.find("\n", hit.end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    before = text[line_start:hit.start]
    is_dateline = len(line.strip()) <= _DATELINE_MAX
    if not is_dateline and (hit.precision == 2 or hit.start > _PROSE_DATE_CHARS):
        return None                          # "in February 2022" in prose is a reference
    is_range = bool(_RANGE_AFTER.match(text, hit.end) or _RANGE_BEFORE.search(before))
    if is_range or _REFERENCE_BEFORE.search(before):
        return None                          # "since ...", "updated ...", "October 1 - December 31"
    return hit.precision + 2 * is_dateline + 2 * bool(_DATE_CUE_BEFORE.search(before))


def find_date(text: str) -> str | None:
    """Return the document's own date ("YYYY-MM-DD" or "YYYY-MM") found near its top, or None.

    Datelines (a short line holding a date, or "posted ..."/"News | ...") win over dates
    in prose; month-only dates count only in datelines; "updated"/"since ..." dates lose.
    """
    top = text[:DATE_SCAN_CHARS]
    scored = [(_date_score(top, h), h) for h in _date_hits(top)]
    ranked = [(score, -h.start, h.iso) for score, h in scored if score is not None]
    return max(ranked)[2] if ranked else None


# ---------------------------------------------------------------------------------------
# Language

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str:
    """Return "uk" when most letters are Cyrillic, else "en" (the only two languages we index)."""
    sample = text[:20_000]
    cyrillic = len(_CYRILLIC.findall(sample))
    return "uk" if cyrillic > len(_LATIN.findall(sample)) else "en"


# ---------------------------------------------------------------------------------------
# Organizations: (canonical name, anchors, alias regex). The regex runs only when one of the
# lowercase anchors occurs in the text, which keeps the scan cheap. Acronyms are
# case-sensitive; long forms are not.

_UKRAINE = re.compile(r"Ukrain|Україн")
_ORGS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("U.S. Department of Defense", ("defen", "pentagon", "пентагон", "dod", "оборони сша"),
     r"(?i:Department\s+of\s+Defen[cs]e|Defen[cs]e\s+Department|Pentagon|Пентагон\w*"
     r"|Міністерств\w+\s+оборони\s+США)|\bDoD\b|\bDOD\b"),
    ("Ministry of Defence of Ukraine", ("defen", "оборони", "міноборони", "моу"),
     r"(?i:Ministry\s+of\s+Defen[cs]e\s+of\s+Ukraine|Ukrain(?:e['’]s|ian)\s+"
     r"(?:Ministry\s+of\s+Defen[cs]e|defen[cs]e\s+ministry)|Міністерств\w+\s+оборони\s+України"
     r"|Міноборони)|\bМОУ\b"),
    ("U.S. Department of State", ("state", "держдеп", "департамент"),
     r"(?i:(?:U\.S\.\s+)?Department\s+of\s+State|State\s+Department|Держдеп\w*"
     r"|Державн\w+\s+департамент\w*\s+США)"),
    ("DoD Office of Inspector General", ("oig", "dodig", "dod ig", "inspector"),
     r"\bDoD\s+OIG\b|\bDODIG\b|\bDoD\s+IG\b|(?i:(?:Department\s+of\s+Defen[cs]e|DoD)\s+"
     r"Office\s+of\s+(?:the\s+)?Inspector\s+General)"),
    ("USAID", ("usaid", "international development"),
     r"\bUSAID\b|(?i:U\.?S\.?\s+Agency\s+for\s+International\s+Development)"),
    ("NATO", ("nato", "нато", "north atlantic"),
     r"\bNATO\b|\bНАТО\b|(?i:North\s+Atlantic\s+Treaty\s+Organi[sz]ation)"),
    ("NATO-Ukraine Commission", ("nato-ukraine", "україна", "nuc"),
     r"(?i:NATO-Ukraine\s+Commission|Комісі\w+\s+Україна\s*-\s*НАТО)|\bNUC\b"),
    ("European Union", ("european", "європейськ", "eu", "єс"),
     r"(?i:European\s+Union|Європейськ\w+\s+Союз\w*)|\bEU\b|\bЄС\b"),
    ("General Staff of the Armed Forces of Ukraine", ("general staff", "генеральн"),
     r"(?i:General\s+Staff\s+of\s+the\s+Armed\s+Forces\s+of\s+Ukraine|Ukrainian\s+General\s+Staff"
     r"|Генеральн\w+\s+штаб\w*)"),
    ("Armed Forces of Ukraine", ("armed forces", "збройн", "зсу", "uaf", "afu"),
     r"(?i:Armed\s+Forces\s+of\s+Ukraine|Ukrainian\s+Armed\s+Forces|Збройн\w+\s+Сил\w*\s+України)"
     r"|\bЗСУ\b|\bUAF\b|\bAFU\b"),
    ("National Agency on Corruption Prevention", ("national agency", "національн", "nacp", "назк"),
     r"(?i:National\s+Agency\s+(?:on|for)\s+(?:the\s+)?(?:Corruption\s+Prevention|Prevention\s+of"
     r"\s+Corruption)|Національн\w+\s+агентств\w+\s+з\s+питань\s+запобігання\s+корупції)"
     r"|\bNACP\b|\bНАЗК\b"),
    ("Verkhovna Rada", ("verkhovna", "верховн"), r"(?i:Verkhovna\s+Rada|Верховн\w+\s+Рад\w*)"),
    ("Cabinet of Ministers of Ukraine", ("cabinet", "кабінет", "cmu"),
     r"(?i:Cabinet\s+of\s+Ministers|Кабінет\w*\s+Міністрів)|\bCMU\b"),
    ("Ukraine Defense Contact Group", ("contact group", "контактн", "udcg"),
     r"(?i:Ukraine\s+Defen[cs]e\s+Contact\s+Group|Контактн\w+\s+груп\w+\s+з\s+питань\s+оборони"
     r"\s+України)|\bUDCG\b"),
    ("Multinational Joint Commission", ("multinational joint", "багатонаціональн", "mjc"),
     r"(?i:Multinational\s+Joint\s+Commission|Багатонаціональн\w+\s+спільн\w+\s+комісі\w+)|\bMJC\b"),
    ("G7", ("g7", "g-7", "group of seven", "сімк"),
     r"\bG-?7\b|(?i:Group\s+of\s+Seven)|(?i:Велик\w+\s+сімк\w+)"),
    ("World Bank", ("world bank", "світов"), r"(?i:World\s+Bank|Світов\w+\s+банк\w*)"),
    ("U.S. European Command", ("eucom", "european command"),
     r"\b(?:US)?EUCOM\b|(?i:U\.S\.\s+European\s+Command)"),
    ("Defense Security Cooperation Agency", ("security cooperation agency", "dsca"),
     r"(?i:Defen[cs]e\s+Security\s+Cooperation\s+Agency)|\bDSCA\b"),
    ("National Security Council", ("national security council",),
     r"(?i:National\s+Security\s+Council)"),
    ("United Nations", ("united nations", "оон"), r"(?i:United\s+Nations)|\bООН\b"),
    ("OSCE", ("osce", "обсє", "co-operation in europe", "cooperation in europe"),
     r"\bOSCE\b|\bОБСЄ\b|(?i:Organi[sz]ation\s+for\s+Security\s+and\s+Co-?operation)"),
    ("U.S. Congress", ("congress", "конгрес"), r"\bCongress(?:ional)?\b|(?i:Конгрес\w*\s+США)"),
)
_ORG_PATTERNS = tuple((name, anchors, re.compile(pattern)) for name, anchors, pattern in _ORGS)
_ORG_CHECKS = tuple((name, anchors, prechecked(pattern))
                    for name, anchors, pattern in _ORG_PATTERNS)
# A bare "MoD" or "Ministry of Defense" is Ukraine's only in a text about Ukraine.
_BARE_MOD = re.compile(r"\bMoD\b|(?i:\bMinistry\s+of\s+Defen[cs]e\b(?!\s+of))")
_UA_MOD = "Ministry of Defence of Ukraine"
_ORG_SCAN_CHARS = 200_000


def find_orgs(text: str) -> tuple[str, ...]:
    """Return the canonical names of known organizations mentioned, in order of first mention."""
    sample = text[:_ORG_SCAN_CHARS]
    lowered = sample.lower()
    folded = fold(sample)
    found: dict[str, int] = {}
    for name, anchors, pattern in _ORG_CHECKS:
        m = pattern.search(sample, folded) if any(a in lowered for a in anchors) else None
        if m:
            found[name] = m.start()
    bare = _BARE_MOD.search(sample) if "mod" in lowered or "ministry" in lowered else None
    if bare and _UKRAINE.search(sample):
        found[_UA_MOD] = min(found.get(_UA_MOD, bare.start()), bare.start())
    return tuple(sorted(found, key=found.__getitem__))


# ---------------------------------------------------------------------------------------
# Money amounts

_EN_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UK_NUM = r"\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_EN_SCALE = r"thousand|million|billion|trillion|mln|bn|m|b"
_UK_SCALE = r"тис\.?|млн\.?|млрд\.?|трлн\.?|тисяч\w*|мільйон\w*|мільярд\w*"
_AMOUNT_PATTERNS: tuple[tuple[re.Pattern[str], bool], ...] = (   # (pattern, decimal comma)
    (re.compile(rf"(?P<cur>US\$|\$|€|£)\s?(?P<num>{_EN_NUM})(?:\s?(?P<scale>{_EN_SCALE})\b)?", re.I),
     False),
    (re.compile(rf"\b(?P<cur>USD|EUR|UAH|GBP)\s?(?P<num>{_EN_NUM})(?:\s(?P<scale>{_EN_SCALE})\b)?"),
     False),
    (re.compile(rf"(?<![\d.,])(?P<num>{_EN_NUM})(?:\s(?P<scale>{_EN_SCALE}))?\s"
                r"(?P<cur>(?:U\.S\.\s)?dollars|euros?|hryvnias?|hryvnia|USD|EUR|UAH)\b", re.I), False),
    (re.compile(rf"(?<![\d.,])(?P<num>{_UK_NUM})\s?(?P<scale>{_UK_SCALE})?\s?"
                r"(?P<cur>грн\.?|гривень|гривні|гривня|доларів\s+США|дол\.\s*США|доларів|євро)"
                r"(?!\w)", re.I), True),
)
_AMOUNT_CHECKS = tuple((prechecked(pattern), comma) for pattern, comma in _AMOUNT_PATTERNS)
_SCALES = (
    ("трлн", 1e12), ("трил", 1e12), ("trillion", 1e12), ("млрд", 1e9), ("мільярд", 1e9),
    ("billion", 1e9), ("bn", 1e9), ("b", 1e9), ("млн", 1e6), ("мільйон", 1e6), ("million", 1e6),
    ("mln", 1e6), ("m", 1e6), ("тис", 1e3), ("thousand", 1e3),
)
_CURRENCIES = (
    ("us$", "USD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("usd", "USD"), ("eur", "EUR"),
    ("uah", "UAH"), ("gbp", "GBP"), ("dollar", "USD"), ("u.s. dollar", "USD"), ("euro", "EUR"),
    ("hryvn", "UAH"), ("грн", "UAH"), ("грив", "UAH"), ("дол", "USD"),
    ("євро", "EUR"),
)


def _currency_code(symbol: str) -> str:
    """Return the ISO code of a currency symbol or word."""
    lowered = symbol.lower()
    for prefix, code in _CURRENCIES:
        if lowered.startswith(prefix):
            return code
    return symbol.upper()


def _amount_value(number: str, scale: str | None, decimal_comma: bool) -> float | None:
    """Return the numeric value of a written amount, or None if it cannot be parsed."""
    if decimal_comma:
        number = number.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    else:
        number = number.replace(",", "")
    try:
        value = float(number)
    except ValueError:
        return None
    if scale:
        lowered = scale.lower()
        value *= next((f for prefix, f in _SCALES if lowered.startswith(prefix)), 1.0)
    return value


def find_amounts(text: str) -> tuple[Amount, ...]:
    """Return the money amounts mentioned, in text order, each distinct written form once."""
    sample = text[:SCAN_CHARS]
    folded = fold(sample)
    spans: list[tuple[int, int, Amount]] = []
    for pattern, decimal_comma in _AMOUNT_CHECKS:
        for m in pattern.finditer(sample, folded):
            if any(s < m.end() and m.start() < e for s, e, _ in spans):
                continue
            value = _amount_value(m["num"], m["scale"], decimal_comma)
            spans.append((m.start(), m.end(), Amount(m.group().strip(), value, _currency_code(m["cur"]))))
    unique: dict[str, Amount] = {}
    for _, _, amount in sorted(spans, key=lambda span: span[0]):
        unique.setdefault(amount.text, amount)
    return tuple(unique.values())


# ---------------------------------------------------------------------------------------
# Acronyms: "Long Form (ACR)"

_ACRONYM = re.compile(r"\((?P<short>[A-ZА-ЯІЇЄҐ][A-Za-zА-Яа-яІіЇїЄєҐґ&-]{1,11})\)")
_WORD = re.compile(r"[^\W\d_][\w'’.&-]*")
_STOPWORDS = frozenset(
    "of the and for on in to at by a an with de та і й з із в у на до для щодо питань".split())


def _word_letters(word: str) -> tuple[str, str]:
    """Return (initial, other letters a short form may borrow) of a long-form word, lowercased."""
    letters = [c for c in word if c.isalpha()]
    return letters[0].lower(), "".join(letters[1:]).lower()


def _matches(letters: str, words: Sequence[str]) -> bool:
    """Return True if `letters` can be spelled by the words' initials (plus inner letters)."""
    if not words:
        return not letters
    initial, rest = _word_letters(words[0])
    is_stop = words[0].lower() in _STOPWORDS
    if is_stop and _matches(letters, words[1:]):
        return True
    if not letters or letters[0] != initial:
        return False
    # the word gives its initial and possibly some of its later letters, in order
    for taken in range(1, len(letters) + 1):
        if taken > 1 and not _is_subsequence(letters[1:taken], rest):
            break
        if _matches(letters[taken:], words[1:]):
            return True
    return False


def _is_subsequence(needle: str, haystack: str) -> bool:
    """Return True if the characters of `needle` appear in `haystack` in order."""
    it = iter(haystack)
    return all(c in it for c in needle)


def _long_form(short: str, before: str) -> str | None:
    """Return the shortest run of words ending `before` whose initials spell `short`."""
    letters = "".join(c.lower() for c in short if c.isalpha())
    words = _WORD.findall(before)[-(len(letters) + 4):]
    for start in range(len(words) - 1, -1, -1):
        candidate = words[start:]
        if candidate[0].lower() not in _STOPWORDS and _matches(letters, candidate):
            return " ".join(candidate).strip(".,;:")
    return None


def find_acronyms(text: str) -> tuple[Acronym, ...]:
    """Return "Long Form (ACR)" definitions whose initials match, first definition of each."""
    sample = text[:SCAN_CHARS]
    found: dict[str, Acronym] = {}
    for m in _ACRONYM.finditer(sample):
        short = m["short"]
        if short in found or sum(c.isupper() for c in short) < 2:
            continue
        line_start = max(sample.rfind("\n", 0, m.start()), m.start() - 200)
        long = _long_form(short, sample[line_start + 1:m.start()])
        if long:
            found[short] = Acronym(short=short, long=long)
    return tuple(found.values())


# ---------------------------------------------------------------------------------------
# Titles

_TITLE_MAX = 200


def title_from_name(name: str) -> str:
    """Return a readable title made from a file name ("bdc-2019.pdf" -> "bdc 2019")."""
    stem = PurePath(name).stem
    return re.sub(r"[_\s-]+", " ", stem).strip() or name


def infer_title(blocks: Sequence[Block], fallback_name: str) -> str:
    """Return the first heading, else a short first paragraph, else a title from the file name."""
    for block in blocks[:10]:
        if block.is_heading and block.text.strip():
            return _clip(block.text)
    for block in blocks[:3]:
        text = block.text.strip()
        is_short = len(text) <= 150 or (len(text) <= 250 and text[-1] not in ".!?;:")
        if text and is_short and not text.startswith("•"):
            return _clip(text)
    return title_from_name(fallback_name)


def _clip(text: str) -> str:
    """Return `text` on one line, cut at a word boundary to at most _TITLE_MAX characters."""
    text = " ".join(text.split())
    if len(text) <= _TITLE_MAX:
        return text
    return text[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"


def date_mentions(text: str) -> list[tuple[int, int, str, int]]:
    """Return every date mention in `text` as (start, end, iso, precision 3=day 2=month)."""
    return [tuple(h) for h in _date_hits(text)]
