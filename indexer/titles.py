"""Choose a document's title among candidates: format hint, headings, first lines, file name.

Candidates are the title the format carries (HTML <title>, PDF info; also with a " | Site"
suffix cut), the first blocks (headings and short lines, furniture and generic labels such as
"Abstract" marked), a line a scraped page repeats at the start of its first block, and the
file's name (an upload's original name; generated names such as UUIDs are no candidate).
Each candidate is described by general named features (where it is, how long, how it is
cased and punctuated, whether another candidate repeats it) and scored by a linear model:
the learned `titles` component when one is loaded, else `DEFAULT_WEIGHTS`.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from indexer.furniture import is_byline, is_furniture, is_generic_label
from indexer.learning.linear import LinearModel
from indexer.records import Block

TOP_BLOCKS = 12                # blocks looked at for title lines
TITLE_MAX = 300
_MAX_CANDIDATE_WORDS = 45
_MAX_CANDIDATE_CHARS = 600

_WORD = re.compile(r"[^\W_]+(?:['’][^\W\d_]+)?")
_SITE_SUFFIX = re.compile(r"\s+(?:\||–|—|-|::|»|·)\s+")
_GENERATED_NAME = re.compile(
    r"(?i)^(?:[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}"
    r"|\d+|(?:img|scan|doc|file|document|untitled|download)[\s_-]*\d*)$")
_DATE_LINE = re.compile(
    r"(?i)^[\w\s|,.:/-]{0,25}?\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d\d-\d\d"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|січ|лют|бер|квіт|трав|черв|лип|серп"
    r"|верес|жовт|листоп|груд)\w*\.?\s+\d{1,2}|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep"
    r"|oct|nov|dec|січ|лют|бер|квіт|трав|черв|лип|серп|верес|жовт|листоп|груд)\w*)")
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.)]|[IVXLCІХ]{1,5}[.)]|[A-ZА-ЯІЇЄ][.)])\s")
_BULLET = re.compile(r"^(?:[•●▪◦▫■□‣⁃·∙*]|[-–—](?=\s))")


@dataclass(frozen=True, slots=True)
class TitleCandidate:
    """One possible title and the named features the ranking scores it by."""

    text: str
    features: Mapping[str, float]
    source: str = "text"          # DocMeta.title_source: "file-metadata", "text", "file-name"


def title_candidates(blocks: Sequence[Block], hint_title: str | None,
                     source_name: str = "") -> list[TitleCandidate]:
    """Return the distinct title candidates of a document, in order of first appearance."""
    raw: list[tuple[str, str, int]] = []            # (text, source, block position)
    if hint_title:
        raw.append((hint_title, "hint", -1))
        parts = [p for p in _SITE_SUFFIX.split(hint_title) if p.strip()]
        if len(parts) > 1:
            raw.append((max(parts, key=len), "hint-part", -1))
    top = list(blocks[:TOP_BLOCKS])
    for i, b in enumerate(top):
        text = " ".join(b.text[:_MAX_CANDIDATE_CHARS + 1].split())
        if text and len(b.text) <= _MAX_CANDIDATE_CHARS and len(text.split()) <= _MAX_CANDIDATE_WORDS:
            raw.append((text, "heading" if b.is_heading else "line", i))
    if top:
        prefix = _repeated_prefix(" ".join(top[0].text[:2 * _MAX_CANDIDATE_CHARS].split()))
        if prefix:
            raw.append((prefix, "prefix", 0))
    for i, b in enumerate(top[:3]):
        lead = None if b.is_heading else _title_case_lead(b.text[:_MAX_CANDIDATE_CHARS])
        if lead:
            raw.append((lead, "lead", i))
    name = name_title(source_name)
    if name:
        raw.append((name, "name", -1))
    texts = [t for t, _, _ in raw]
    lines = [" ".join(b.text.split()).lower() for b in top if len(b.text) <= _MAX_CANDIDATE_CHARS]
    out: dict[str, TitleCandidate] = {}
    for text, source, pos in raw:
        key = text.lower()
        feats = dict(out[key].features) if key in out else _features(text, texts, lines, hint_title)
        feats[f"src:{source}"] = 1.0
        if pos >= 0 and "pos" not in feats:
            feats["pos"] = float(pos)
            feats[f"pos:{min(pos, 5)}"] = 1.0
        out[key] = TitleCandidate(out[key].text if key in out else text, feats,
                                  out[key].source if key in out else _SOURCES.get(source, "text"))
    return list(out.values())


_SOURCES = {"hint": "file-metadata", "hint-part": "file-metadata", "name": "file-name"}


def _repeated_prefix(text: str) -> str | None:
    """Return X when `text` starts with X repeated ("Title Title Body..."), else None."""
    words = text.split()
    for n in range(3, min(30, len(words) // 2) + 1):
        if words[:n] == words[n:2 * n]:
            return " ".join(words[:n])
    return None


_LEAD_STOPWORDS = frozenset(
    "a an and as at by for from in into of on or the to with vs via".split())


def _title_case_lead(text: str) -> str | None:
    """Return the Title Cased headline a block starts with when a sentence was glued onto it
    ("Depot Reform Begins The ministry said..." -> "Depot Reform Begins"), else None."""
    words = text.split()
    run = 0
    while run < len(words) and (words[run][:1].isupper() or words[run][:1].isdigit()
                                or words[run].lower() in _LEAD_STOPWORDS):
        run += 1
    # the run's last capitalized word starts the glued sentence; the sentence must go on
    if not 4 <= run <= 21 or run >= len(words) - 3 or not words[run - 1][:1].isupper():
        return None
    lead = words[:run - 1]
    if lead[-1].lower() in _LEAD_STOPWORDS or lead[-1][-1:] in ".,;:!?":
        return None
    return " ".join(lead)


def name_title(name: str) -> str | None:
    """Return a title made from a file name, or None for generated names ("3f2a...-....pdf")."""
    stem = PurePath(name).stem if name else ""
    text = re.sub(r"[_\s]+|(?<=\w)-(?=\w)|\s-\s", " ", stem).strip()
    if not text or _GENERATED_NAME.match(re.sub(r"\s", "", text)):
        return None
    return text


def _bucket(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _features(text: str, texts: Sequence[str], lines: Sequence[str],
              hint_title: str | None) -> dict[str, float]:
    """Return the general features of one candidate text."""
    words = _WORD.findall(text)
    long = [w for w in words if len(w) > 3 and w[0].isalpha()]
    low = text.lower()
    feats: dict[str, float] = {
        f"words:{_bucket(len(words), (1, 3, 7, 15, 25))}": 1.0,
        "capitalized": sum(w[0].isupper() for w in long) / len(long) if long else 0.0,
        "upper": float(bool(long) and all(w.isupper() for w in long)),
        "digits": min(3.0, sum(ch.isdigit() for ch in text) / 4),
    }
    if _NUMBERED.match(text):
        feats["numbered"] = 1.0
    if _BULLET.match(text):
        feats["bullet"] = 1.0
    if " | " in text:
        feats["table-row"] = 1.0
    end = text.rstrip()[-1:]
    if end in ".!?;,":
        feats["ends:stop"] = 1.0
    if end == ":":
        feats["ends:colon"] = 1.0
    if is_furniture(text):
        feats["furniture"] = 1.0
    if is_generic_label(text):
        feats["generic-label"] = 1.0
    if _DATE_LINE.match(text) and len(words) <= 8:
        feats["date-line"] = 1.0
    if is_byline(text):
        feats["byline"] = 1.0
    if sum(line == low for line in lines) >= 2:
        feats["repeated-line"] = 1.0
    longer = sum(1 for t in texts if len(t) > len(text) + 3 and low in t.lower())
    if longer:
        feats["inside-longer"] = 1.0
    if hint_title:
        hint = hint_title.lower()
        if low == hint:
            feats["hint:equal"] = 1.0
        elif low in hint or hint in low:
            feats["hint:overlap"] = 1.0
        hw, cw = set(_WORD.findall(hint)), set(_WORD.findall(low))
        if hw and cw:
            feats["hint:jaccard"] = len(hw & cw) / len(hw | cw)
    return feats


# The fixed ranking used when no learned model is loaded: the first heading or short line,
# preferring what the format's title or a repetition confirms; furniture, generic labels,
# datelines and bylines lose.
DEFAULT_WEIGHTS: dict[str, float] = {
    "src:hint": 1.5, "src:hint-part": 0.5, "src:heading": 1.0, "src:line": 0.5,
    "src:prefix": 1.0, "src:lead": 0.5, "src:name": -1.0, "pos": -0.15, "repeated-line": 1.0,
    "hint:equal": 1.0, "hint:overlap": 1.0, "hint:jaccard": 1.0, "furniture": -6.0, "generic-label": -4.0,
    "date-line": -4.0, "byline": -4.0, "ends:stop": -0.8, "ends:colon": -1.5,
    "words:1": -1.5, "table-row": -2.0, "digits": -0.1, "numbered": -1.5, "bullet": -1.5, "words:3": -0.5, "words:25": -0.5, "words:>25": -2.0,
}
DEFAULT_MODEL = LinearModel(DEFAULT_WEIGHTS, 0.0)


def best_candidate(candidates: Sequence[TitleCandidate],
                   model: LinearModel | None = None) -> TitleCandidate | None:
    """Return the best-scoring candidate (the earlier one on ties), or None when there is none."""
    if not candidates:
        return None
    scorer = model or DEFAULT_MODEL
    return max(enumerate(candidates), key=lambda ic: (scorer.score(ic[1].features), -ic[0]))[1]


def choose_title(candidates: Sequence[TitleCandidate],
                 model: LinearModel | None = None) -> tuple[str, str] | None:
    """Return (title clipped, title source) of the best candidate, or None when there is none."""
    best = best_candidate(candidates, model)
    return None if best is None else (clip_title(best.text), best.source)


def clip_title(text: str) -> str:
    """Return `text` on one line, cut at a word boundary to at most TITLE_MAX characters."""
    text = " ".join(text.split())
    if len(text) <= TITLE_MAX:
        return text
    return text[:TITLE_MAX].rsplit(" ", 1)[0] + "…"
