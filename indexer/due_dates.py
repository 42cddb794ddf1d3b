"""Due dates of statements in English and Ukrainian: the date a sentence sets as its deadline.

A deadline is a date after a deadline word ("by", "before", "no later than", "until",
"through", "до", "не пізніше", "протягом"), the end of a period ("1 September 2023 -
29 February 2024", "from 2024 to 2026", "з 2024 по 2026 рік"), or a future date the
statement is set in ("in 2025", "у липні 2024 року"). Relative years ("by the end of the
year", "до кінця року", "by the end of April") take the document's year. The result is the
phrase as written when it states its date plainly, else the ISO prefix it means
("2025-12"), so `iso_prefix` of it always reads the intended date.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_EN_MONTHS = ("january february march april may june july august september october november "
              "december").split()
_UK_GEN = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня".split()
_UK_NOM = "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень".split()
_UK_LOC = "січні лютому березні квітні травні червні липні серпні вересні жовтні листопаді грудні".split()

MONTHS: dict[str, int] = {}
for _names in (_EN_MONTHS, _UK_GEN, _UK_NOM, _UK_LOC):
    MONTHS.update({m: i + 1 for i, m in enumerate(_names)})
MONTHS.update({m[:3]: i + 1 for i, m in enumerate(_EN_MONTHS)})
MONTHS["sept"] = 9

_MONTH = r"(?:" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + r")\.?"
_YEAR = r"(?:19|20)\d\d"
_DATE = (
    rf"(?P<iso>{_YEAR}-\d\d(?:-\d\d)?)|"
    rf"(?P<dmy>\d{{1,2}})\.(?P<dmm>\d{{1,2}})\.(?P<dmyy>{_YEAR})|"
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y1>{_YEAR}))?|"
    rf"(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>{_YEAR}))?(?!\d)|"
    rf"(?P<m3>{_MONTH})(?:\s+(?:of\s+)?(?P<y3>{_YEAR}))?|"
    rf"(?P<q>Q[1-4]|(?:first|second|third|fourth) quarter(?: of)?)\s+(?P<qy>{_YEAR})|"
    rf"(?:(?:fiscal year|FY)\s*)?(?P<y4>{_YEAR})(?:\s*(?:р\.|року|рік|році|рр\.))?|"
    r"(?P<rel>(?:the |this |that |next |поточного |цього |наступного )?(?:year|року|рік))"
)
_END_OF = r"(?:(?:the\s+)?end\s+of\s+(?:the\s+)?|кінця\s+|кінці\s+|завершення\s+)"
_STRONG = (r"(?:by|before|no later than|not later than|until|till|through|thru|up to|"
           r"до|не пізніше|не пізніше ніж|протягом|упродовж|впродовж|по)")
_WEAK = r"(?:in|during|within|for|у|в|на)"
_DUE = re.compile(
    rf"(?<!\w)(?P<cue>{_STRONG}|{_WEAK})\s+(?P<end>{_END_OF})?(?:the\s+)?(?:{_DATE})(?!\w)",
    re.IGNORECASE)
_RANGE = re.compile(
    rf"(?:(?<!\w)(?:from|between|з|із|від)\s+)?(?:{_DATE.replace('?P<', '?P<a_')})"
    rf"\s*(?:-|–|—|to|and|по|до|until)\s*(?:{_DATE})(?!\w)",
    re.IGNORECASE)
_FIRST_YEAR = re.compile(rf"\b({_YEAR})\b")


class Due(NamedTuple):
    """A deadline: the phrase as written and the ISO prefix it means."""

    phrase: str
    iso: str


def iso_prefix(text: str) -> str:
    """Return the ISO prefix (YYYY, YYYY-MM or YYYY-MM-DD) a plain date phrase states, or ''.

    Reads a phrase the way the ledger's consumers do: an ISO date, else the first year with
    the first month name and a day next to a month."""
    t = (text or "").lower()
    m = re.search(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b", t)
    if m:
        return "-".join(x for x in m.groups() if x)
    year = re.search(r"\b(19|20)\d{2}\b", t)
    if not year:
        return ""
    plain = _EN_MONTHS + _UK_GEN + _UK_NOM
    month = next((i % 12 + 1 for i, w in enumerate(plain) if re.search(r"\b" + w, t)), None)
    names = "|".join(plain)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:" + names + r")", t) or \
        re.search(r"(?:" + names + r")\s+(\d{1,2})\b", t)
    out = year.group(0)
    if month:
        out += f"-{month:02d}"
        if day:
            out += f"-{int(day.group(1)):02d}"
    return out


def _month(word: str | None) -> int | None:
    return MONTHS.get(word.lower().rstrip(".")) if word else None


def _iso(m: re.Match[str], doc_year: str | None, end_of: bool, prefix: str = "") -> str | None:
    """Return the ISO prefix of the date matched by the named groups (with `prefix`)."""
    g = lambda name: m.group(prefix + name)  # noqa: E731
    if g("iso"):
        return g("iso")
    if g("dmyy"):
        return f"{g('dmyy')}-{int(g('dmm')):02d}-{int(g('dmy')):02d}"
    for d, mo, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), (None, "m3", "y3")):
        if g(mo):
            year = g(y) or doc_year
            if not year:
                return None
            out = f"{year}-{_month(g(mo)):02d}"
            return out + f"-{int(g(d)):02d}" if d and g(d) and int(g(d)) <= 31 else out
    if g("qy"):
        q = g("q").lower()
        n = int(q[1]) if q.startswith("q") else ("first", "second", "third", "fourth").index(q.split()[0]) + 1
        return f"{g('qy')}-{3 * n:02d}"
    if g("y4"):
        return f"{g('y4')}-12" if end_of else g("y4")
    if g("rel") and end_of and doc_year:
        return f"{int(doc_year) + 1 if 'next' in g('rel').lower() or 'наступ' in g('rel').lower() else doc_year}-12"
    return None


def find_due(sentence: str, doc_date: str | None = None) -> Due | None:
    """Return the deadline `sentence` sets, or None; `doc_date` (ISO) dates relative phrases."""
    doc_year = doc_date[:4] if doc_date and _FIRST_YEAR.match(doc_date[:4]) else None
    best: tuple[int, int, Due] | None = None
    for m in _RANGE.finditer(sentence):
        iso = _iso(m, doc_year, False)
        if iso:
            best = _better(best, (1, m.start(), Due(_phrase(sentence, m, iso), iso)))
    for m in _DUE.finditer(sentence):
        end_of = bool(m.group("end"))
        iso = _iso(m, doc_year, end_of)
        if not iso:
            continue
        strong = re.fullmatch(_STRONG, m.group("cue"), re.IGNORECASE) is not None
        if not strong and not end_of and doc_date and iso[:len(doc_date)] < doc_date[:len(iso)]:
            continue                      # "in 2019" in a 2021 text is history, not a deadline
        if not strong and m.group("rel"):
            continue
        rank = 0 if strong or end_of else 2
        best = _better(best, (rank, m.start(), Due(_phrase(sentence, m, iso), iso)))
    return best[2] if best else None


def _better(a: tuple[int, int, Due] | None, b: tuple[int, int, Due]) -> tuple[int, int, Due]:
    return b if a is None or b[:2] < a[:2] else a


def _phrase(sentence: str, m: re.Match[str], iso: str) -> str:
    """Return the words of the (end) date when they read as `iso`, else `iso` itself."""
    starts = [m.start(n) for n, v in m.groupdict().items()
              if v and not n.startswith("a_") and n not in ("cue", "end")]
    text = sentence[min(starts):m.end()] if starts else sentence[m.start():m.end()]
    if m.groupdict().get("end"):
        text = sentence[m.start("end"):m.end()]
    text = text.strip()
    return text if iso_prefix(text) == iso else iso
