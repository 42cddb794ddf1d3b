"""Date candidates of a document with the named features a learned chooser ranks them by.

A candidate is one date mention near the top of the text (day, month or year precision) or
the date the file format carries (`DocMeta.hint_date`). Its features say where it is (line,
offset, dateline, title), what surrounds it (cue words such as "published"/"опубліковано",
reference words such as "since"/"amended"/"від ... №", ranges, quotes, recitals, a time of
day after it) and how it relates to the other candidates (latest, repeated, agrees with the
file's date). Pure functions over text: no model, no I/O.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexer.metadata import date_mentions
from indexer.records import Block

TOP_BLOCKS = 40                  # blocks read from the top of the document
TOP_CHARS = 6_000                # ... and at most this many characters of them
TAIL_CHARS = 1_500               # and the end of a longer document (signature dates)
YEAR_LINES = 12                  # year-only candidates are looked for in this many lines
DATELINE_MAX = 60

_YEAR_ONLY = re.compile(r"(?<![\d./:-])(?:19|20)\d\d(?![\d/:-]|\.\d)")
_WORD = re.compile(r"[^\W\d_]+")
_TIME_AFTER = re.compile(r"[\s,|–—-]{0,4}(?:at\s+|о\s+)?\d{1,2}[:.]\d\d(?!\d)", re.I)
_RANGE_AFTER = re.compile(r"\s*(?:[–—-]|to\b|through\b|until\b|till\b|до\b|по\b)\s*"
                          r"(?:\w+\.?\s+)?\d", re.I)
_RANGE_BEFORE = re.compile(r"\d\s*(?:[–—-]|to|through|until|till|до|по)\s*$", re.I)
_NUMBER_AFTER = re.compile(r"^[\s,]*(?:року|р\.)?[\s,]*(?:№|No\.?\s*\d|N\s*\d|#\s*\d)", re.I)
_YEAR_WORD_AFTER = re.compile(r"^\s*(?:року|р\.)", re.I)
_CUE_WORDS = (r"(?i)\b(?:posted|published|dated|issued|released|date|signed|adopted|approved"
              r"|опубліковано|оприлюднено|публікації|дата|підписано|затверджено|ухвалено)\b")
_CUE = re.compile(_CUE_WORDS + r"[^\n]{0,12}$")
_CUE_LINE = re.compile(_CUE_WORDS)
_UPDATE = re.compile(r"(?i)\b(?:updated|last modified|modified|revised|оновлено|оновлення"
                     r"|змінено|редакці\w*)\b[^\n]{0,20}$")
_DMY_NUMERIC = re.compile(r"(?<![\d./-])(\d{1,2})[-/](\d{1,2})[-/]((?:19|20)\d\d)(?![\d/-])")
_REFERENCE = re.compile(
    r"(?i)\b(?:since|until|till|through|as of|before|after|starting|from|by|amended|amending"
    r"|effective|expires?|deadline|due|з|до|після|від|по|станом на|зі змінами"
    r"|внесення змін|редакції)\b[^\n]{0,20}$")
_RECITAL = re.compile(
    r"(?i)^\s*(?:whereas|recalling|noting|considering|referring|recognizing|having regard"
    r"|reaffirming|guided by|pursuant to|in accordance with|враховуючи|відповідно до"
    r"|згідно з|беручи до уваги|посилаючись|керуючись|на виконання)\b")
_ISO = re.compile(r"(?:19|20)\d\d(?:-[01]\d(?:-[0-3]\d)?)?")
_QUOTES = "\"“”«»„"
_WEEKDAY = re.compile(
    r"(?i)\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:понеділ|вівтор|серед|четвер"
    r"|п['’]ятниц|субот|неділ)\w*")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible date of a document, where it came from and its features."""

    iso: str                     # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    source: str                  # "text" or "file-metadata"
    start: int                   # offset in the top text (-1 for the file's date)
    features: dict[str, float] = field(default_factory=dict)


def top_text(blocks: Sequence[Block]) -> str:
    """Return the top of the document: the first blocks, one per line."""
    return "\n".join(b.text for b in blocks[:TOP_BLOCKS])[:TOP_CHARS]


def tail_text(blocks: Sequence[Block], top: str) -> str:
    """Return the end of the document after `top` (at most TAIL_CHARS), "" when none."""
    if len(blocks) <= TOP_BLOCKS and len(top) < TOP_CHARS:
        return ""
    end = "\n".join(b.text for b in blocks[-TOP_BLOCKS:])[-TAIL_CHARS:]
    return end if end not in top else ""


def _mentions(text: str) -> list[tuple[int, int, str, int]]:
    """Return day/month mentions plus year-only mentions of the first lines that no other
    mention covers, in text order."""
    hits = list(date_mentions(text))
    for m in _DMY_NUMERIC.finditer(text):        # "11-04-2023": day first (the ISO-less form)
        iso = _numeric_iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso and not any(s < m.end() and m.start() < e for s, e, _, _ in hits):
            hits.append((m.start(), m.end(), iso, 3))
    limit = _nth_line_end(text, YEAR_LINES)
    for m in _YEAR_ONLY.finditer(text, 0, limit):
        if not any(s < m.end() and m.start() < e for s, e, _, _ in hits):
            hits.append((m.start(), m.end(), m.group(), 1))
    return sorted(hits)


def _numeric_iso(day: int, month: int, year: int) -> str | None:
    """Return the ISO date of a day-first numeric date, None when it is not a date."""
    import datetime as dt
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _nth_line_end(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text)
    return pos


def _bucket(value: int, edges: Sequence[int]) -> str:
    """Return the label of the first edge `value` does not exceed ("<=2", ">20")."""
    for e in edges:
        if value <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def _pad(iso: str) -> str:
    """Return `iso` padded to a full date for ordering ("2020" -> "2020-12-31")."""
    return iso + {4: "-12-31", 7: "-28", 10: ""}[len(iso)]


def _years_between(late: str, early: str) -> float:
    return (int(late[:4]) - int(early[:4])) + (int(late[5:7] or 12) - int(early[5:7] or 12)) / 12


def candidates(blocks: Sequence[Block], hint_date: str | None) -> list[Candidate]:
    """Return the document's date candidates with their features (file's date last)."""
    if hint_date and not _ISO.fullmatch(hint_date):
        hint_date = None                       # only ISO dates are compared and ordered
    top = top_text(blocks)
    tail = tail_text(blocks, top)
    text = f"{top}\n{tail}" if tail else top
    title = blocks[0].text if blocks else ""
    raw = _mentions(text)
    if not raw and not hint_date:
        return []
    latest = max((_pad(iso) for _, _, iso, _ in raw), default="")
    first_lines_end = _nth_line_end(text, 5)
    latest_top = max((_pad(iso) for s, _, iso, _ in raw if s < first_lines_end), default="")
    same: dict[str, int] = {}
    years: dict[str, int] = {}
    for _, _, iso, _ in raw:
        same[iso] = same.get(iso, 0) + 1
        years[iso[:4]] = years.get(iso[:4], 0) + 1
    out = []
    for rank, (start, end, iso, precision) in enumerate(raw):
        f = _mention_features(text, start, end, precision, rank)
        f["in_title"] = float(start < len(title))
        if start > len(top):
            f = {k: v for k, v in f.items() if not k.startswith(("line:", "rank:"))}
            f["tail"] = 1.0
        f["latest"] = float(_pad(iso) == latest)
        f["latest_top"] = float(_pad(iso) == latest_top)
        age = _years_between(latest, _pad(iso))
        f["age:" + _bucket(math.ceil(age), (0, 1, 3))] = 1.0
        f["repeats"] = math.log(same[iso])
        f["year_repeats"] = math.log(years[iso[:4]])
        _hint_features(f, iso, hint_date)
        out.append(Candidate(iso, "text", start, f))
    if hint_date:
        f = {"src:file": 1.0, "file_prec:" + str(len(hint_date)): 1.0,
             "file_in_text": float(any(iso[:7] == hint_date[:7] for _, _, iso, _ in raw)),
             "no_text_dates": float(not raw)}
        if latest:
            age = _years_between(_pad(hint_date), latest)
            f["file_vs_latest:" + ("after" if age > 0.1 else "before" if age < -0.1 else "same")] = 1.0
        out.append(Candidate(hint_date, "file-metadata", -1, f))
    return out


def _hint_features(f: dict[str, float], iso: str, hint_date: str | None) -> None:
    if not hint_date:
        f["no_file_date"] = 1.0
    elif hint_date.startswith(iso) or iso.startswith(hint_date):
        f["file_agrees"] = 1.0
    elif hint_date[:4] == iso[:4]:
        f["file_same_year"] = 1.0
    else:
        f["file_disagrees"] = 1.0


def _mention_features(text: str, start: int, end: int, precision: int, rank: int) -> dict[str, float]:
    """Return the features of one mention that depend on its own line and neighbours."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    before, after = text[line_start:start], text[end:line_end]
    line_no = text.count("\n", 0, start)
    rest = re.sub(r"[\W\d_]+", " ", _WEEKDAY.sub(" ", before + " " + after)).split()
    f: dict[str, float] = {
        f"prec:{precision}": 1.0,
        "line:" + _bucket(line_no, (0, 2, 5, 10, 20, 40)): 1.0,
        "rank:" + _bucket(rank, (0, 1, 2, 4)): 1.0,
        "offset": math.log1p(start) / math.log1p(TOP_CHARS),
        "dateline": float(len(line.strip()) <= DATELINE_MAX),
        "alone": float(len(rest) == 0),
        "few_words": float(0 < len(rest) <= 3),
        "time_after": float(bool(_TIME_AFTER.match(after))),
        "weekday": float(bool(_WEEKDAY.search(before[-25:] + after[:25]))),
        "cue_before": float(bool(_CUE.search(before[-40:]))),
        "cue_line": float(bool(_CUE_LINE.search(before))),
        "update_before": float(bool(_UPDATE.search(before[-40:]))),
        "ref_before": float(bool(_REFERENCE.search(before[-30:]) or _UPDATE.search(before[-40:]))),
        "number_after": float(bool(_NUMBER_AFTER.match(after))),
        "year_word_after": float(bool(_YEAR_WORD_AFTER.match(after))),
        "recital": float(bool(_RECITAL.match(line))),
        "in_quotes": float(sum(before.count(q) for q in _QUOTES) % 2 == 1),
        "in_parens": float(before.count("(") > before.count(")")),
    }
    is_time = bool(_TIME_AFTER.match(after))
    if not is_time and (_RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before)):
        f["range"] = 1.0
    words_before = _WORD.findall(before[-40:].lower())
    if words_before:
        f["w-1:" + words_before[-1]] = 1.0
    if len(words_before) > 1:
        f["w-2:" + words_before[-2]] = 1.0
    words_after = _WORD.findall(after[:25].lower())
    if words_after:
        f["w+1:" + words_after[0]] = 1.0
    return {k: v for k, v in f.items() if v}
