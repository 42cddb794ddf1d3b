"""Component `doctype`: a document's type from its title, words, structure and the type cues.

One-vs-rest linear models over the taxonomy's type ids. Features: the title's head and other
words, the words of the top of the text, structural signals (a dateline, numbered articles or
sections, "Participants", signature blocks, Q&A turns, agenda items, a press-office footer,
"For immediate release", assistance amounts, speaker lines, first-person plural) in English
and Ukrainian, and the taxonomy's type-cue scores (`indexer.tagging.type_scores`), so a cue
an administrator adds still moves the result.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.learning.labels import LabeledDoc
from indexer.learning.linear import LinearModel, best_class, fit_one_vs_rest
from indexer.learning.sourcedocs import source_of
from indexer.records import Taxonomy
from indexer.tagging import classify_type, type_scores
from indexer.taxonomy import CompiledTaxonomy, compile_taxonomy

C = 0.3
BALANCED = True
BODY_CHARS = 4_000
BODY_WEIGHT = 1.0                # value of a body-word feature (title words and structure: 1)
TITLE_WEIGHT = 1.0
CUE_WEIGHT = 3.0                # the taxonomy type cues weigh this much (admin edits count)
BODY_SCALE = 0.0                 # >0: body words share this much length (L2-normalized)
STEM = 6                         # words are cut to this many letters (Ukrainian endings)
MIN_DOCS = 3                     # a word feature must occur in this many training documents
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    "the and for with from that this are was were has have its their our will which been into "
    "але для від або які який яка що про при між щодо його цей також буде було".split())
_M = re.MULTILINE | re.IGNORECASE
_STRUCTURE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("article", re.compile(r"^\s*(?:article|art\.|стаття)\s+\d+", _M)),
    ("section", re.compile(r"^\s*(?:section|розділ|chapter|глава|частина|part)\s+[\dIVX]+", _M)),
    ("numbered", re.compile(r"^\s*\d{1,2}\.\d{1,2}\.?\s+\S", _M)),
    ("numbered_item", re.compile(r"^\s*\d{1,2}[.)]\s+[A-ZА-ЯІЇЄҐ]", re.MULTILINE)),
    ("participants", re.compile(r"^\s*(?:participants|attendees|present|учасники|присутні)\b", _M)),
    ("agenda", re.compile(r"\b(?:agenda|порядок денний|порядку денного)\b", re.I)),
    ("signature", re.compile(r"^\s*(?:for the|on behalf of|signed|за|від імені)\b.{0,80}$"
                             r"|\bdone (?:at|in)\b.{0,40}\bin (?:two|duplicate)", _M)),
    ("qa", re.compile(r"^\s*(?:q|question|a|answer|питання|відповідь)\s*[:.]", _M)),
    ("speaker", re.compile(r"^\s*(?:[A-Z][A-Z.'’-]+\s){1,4}[A-Z.'’-]+\s*:", re.MULTILINE)),
    ("press_footer", re.compile(r"\b(?:press (?:office|service|secretary|release|operations)"
                                r"|media (?:contact|inquiries)|прес-служб\w*|пресслужб\w*"
                                r"|прес-центр\w*)", re.I)),
    ("immediate_release", re.compile(r"\bfor immediate release\b", re.I)),
    ("package", re.compile(r"(?:\$|€|£|usd|eur|доларів|євро|гривень|грн)[^\n]{0,60}"
                           r"\b(?:package|assistance|aid|пакет\w*|допомог\w*)\b"
                           r"|\b(?:package|пакет\w*)\b[^\n]{0,60}(?:\$|€|million|billion|млн|млрд)", re.I)),
    ("we", re.compile(r"\b(?:we|our|us|ми|наш\w*|нам)\b", re.I)),
    ("whereas", re.compile(r"^\s*(?:whereas|recognizing|reaffirming|recalling|враховуючи"
                           r"|визнаючи|підтверджуючи)\b", _M)),
    ("shall", re.compile(r"\b(?:shall|зобов['’]язуються|зобов['’]язується)\b", re.I)),
    ("will_should", re.compile(r"\b(?:should|must|необхідно|слід|повинн\w*)\b", re.I)),
    ("findings", re.compile(r"\b(?:findings?|recommendations?|we found|висновк\w*|рекомендац\w*"
                            r"|assessment|оцінк\w*|audit|аудит\w*|evaluation)\b", re.I)),
    ("roadmap", re.compile(r"\b(?:roadmap|action plan|timeline|deadline|milestones?|дорожн\w+ карт\w*"
                           r"|план дій|план заходів|термін виконання|строк виконання)\b", re.I)),
    ("met_discussed", re.compile(r"\b(?:met with|meeting|discussed|talks|consultations"
                                 r"|зустріч\w*|обговорил\w*|переговор\w*|консультац\w*)\b", re.I)),
    ("quote_said", re.compile(r"\b(?:said|stated|noted|told|заявив|зазначив|наголосив|сказав)\b", re.I)),
    ("dateline", re.compile(r"^[A-ZА-ЯІЇЄҐ][A-Za-zА-Яа-яІіЇїЄєҐґ .,'’-]{2,40}(?:,|\s[-–—]{1,3})\s*"
                            r"(?:\w+\.?\s+\d{1,2}|\d{1,2}\s+\w+)", re.MULTILINE)),
    ("percent", re.compile(r"\d\s?%|\bpercent\b|відсот", re.I)),
    ("strategy", re.compile(r"\b(?:strateg\w*|doctrine|concept|guidance|стратег\w*|доктрин\w*"
                            r"|концепці\w*|політик\w*)\b", re.I)),
)


def features(title: str, text: str, lang: str,
             taxonomy: Taxonomy | CompiledTaxonomy) -> dict[str, float]:
    """Return the named features of a document for the type models."""
    f: dict[str, float] = {"lang:" + lang: 1.0}
    words = [w.lower() for w in _WORD.findall(title)]
    for i, w in enumerate(words):
        if w in _STOP:
            continue
        f["t:" + w[:STEM]] = TITLE_WEIGHT
        if i < 3:
            f["th:" + w[:STEM]] = TITLE_WEIGHT
    top = text[:BODY_CHARS]
    body = {w.lower()[:STEM] for w in _WORD.findall(top)} - _STOP if BODY_WEIGHT else set()
    for w in body:
        f["w:" + w] = BODY_WEIGHT * (BODY_SCALE / math.sqrt(len(body)) if BODY_SCALE else 1.0)
    for name, pattern in _STRUCTURE:
        n = sum(1 for _ in pattern.finditer(top))
        if n:
            f["s:" + name] = math.log1p(n)
    scores = type_scores(title, text, taxonomy, lang)
    for type_id, s in scores.items():
        f["cue:" + type_id] = CUE_WEIGHT * math.log1p(max(s, 0.0))
    f["rule:" + classify_type(title, text, taxonomy, lang)] = CUE_WEIGHT
    return f


@dataclass(frozen=True, slots=True)
class TypeModel:
    """The runtime model: one linear model per type id."""

    models: dict[str, LinearModel]

    def predict(self, title: str, text: str, lang: str,
                taxonomy: Taxonomy | CompiledTaxonomy) -> str:
        """Return the best-scoring type id of a document."""
        return best_class(self.models, features(title, text, lang, taxonomy))[0]


def classes(taxonomy: Taxonomy) -> list[str]:
    return [t.id for t in taxonomy.types]


def from_payload(payload: Mapping) -> TypeModel:
    return TypeModel({k: LinearModel.from_json(v) for k, v in sorted(payload["types"].items())})


def _doc_features(d: LabeledDoc, taxonomy: Taxonomy | CompiledTaxonomy) -> dict[str, float]:
    src = source_of(d)
    return features(src.meta.title, src.text, src.meta.lang, taxonomy)


def train(docs: Sequence[LabeledDoc], taxonomy: Taxonomy) -> dict:
    """Return a payload of one-vs-rest type models (documents without a gold type skipped)."""
    labeled = [d for d in docs if d.doc_type]
    compiled = compile_taxonomy(taxonomy)
    rows = [_doc_features(d, compiled) for d in labeled]
    df: dict[str, int] = {}
    for r in rows:
        for k in r:
            df[k] = df.get(k, 0) + 1
    keep = [{k: v for k, v in r.items() if not k.startswith(("w:", "t:", "th:"))
             or df[k] >= MIN_DOCS} for r in rows]
    models = fit_one_vs_rest(keep, [d.doc_type for d in labeled], classes(taxonomy), c=C,
                             balanced=BALANCED)
    return {"types": {k: m.to_json() for k, m in models.items()}}


def predict(model: TypeModel, d: LabeledDoc, taxonomy: Taxonomy | CompiledTaxonomy) -> str:
    """Return the type the indexer would give `d` with `model` attached (stated type first)."""
    src = source_of(d)
    return src.meta.doc_type or model.predict(src.meta.title, src.text, src.meta.lang, taxonomy)


def _rules(d: LabeledDoc, taxonomy: Taxonomy | CompiledTaxonomy) -> str:
    src = source_of(d)
    return src.meta.doc_type or classify_type(src.meta.title, src.text, taxonomy, src.meta.lang)


def evaluate_folds(held_out, taxonomy: Taxonomy) -> dict[str, float]:
    """Return type_accuracy (documents with a gold type, as kbeval), per-type accuracy
    (recall of each gold type) and the same for today's rules."""
    out: dict[str, float] = {}
    ids, compiled = classes(taxonomy), compile_taxonomy(taxonomy)
    for prefix, get in (("", lambda r, d: predict(r, d, compiled)),
                        ("rules_", lambda r, d: _rules(d, compiled))):
        ok: dict[str, int] = {}
        n: dict[str, int] = {}
        for runtime, docs in held_out:
            for d in docs:
                if not d.doc_type:
                    continue
                n[d.doc_type] = n.get(d.doc_type, 0) + 1
                ok[d.doc_type] = ok.get(d.doc_type, 0) + (get(runtime, d) == d.doc_type)
        out[f"{prefix}type_accuracy"] = round(sum(ok.values()) / max(sum(n.values()), 1), 3)
        for t in ids:
            if n.get(t):
                out[f"{prefix}type_acc:{t}"] = round(ok.get(t, 0) / n[t], 3)
    return out
