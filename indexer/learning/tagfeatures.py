"""Document features for the learned tagger: cue evidence, terms, bigrams and title, by sentence.

A document's features are sums over its sentences: the taxonomy cues' sentence scores for
every tag (so an administrator's cue still moves results, in any language), its normalized
content terms and bigrams (the opening passages weigh more), and its title's terms. Each
sentence's share of every feature is kept, so a linear model's score splits exactly into
sentence contributions.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.tagging import PassageCues
from indexer.taxonomy import content_terms

POSITION_WEIGHT = (2.0, 1.5)    # the first passages' terms and cues count this much more
WORD_SCALE = 3.0                # unit-length term vector scaled to this length (vs cue features)
TITLE_VALUE = 0.5               # value of each title term feature
CUE_PARTS = ("sum", "max", "share", "dens")
SENTENCE_SCALE = 4.0            # value of the sentence-classifier features at probability 1

Key = tuple[int, int]           # (passage index, sentence index)


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """A document's feature values and each sentence's share of them."""

    values: Mapping[str, float]
    # per sentence: feature name -> the part of its value that sentence holds
    shares: Mapping[Key, Mapping[str, float]]
    cue_labels: Mapping[tuple[Key, str], str]      # (sentence, tag) -> the cues that fired


def _position(i: int) -> float:
    return POSITION_WEIGHT[i] if i < len(POSITION_WEIGHT) else 1.0


def document_features(title: str, cues: Sequence[PassageCues], tag_ids: Sequence[str]) -> DocFeatures:
    """Return the features of a document from its passages' cue evidence and its title."""
    raw: dict[Key, dict[str, float]] = {}
    labels: dict[tuple[Key, str], str] = {}
    cue_max: dict[str, float] = {}
    cue_passages: dict[str, int] = {}
    for i, pc in enumerate(cues):
        w = _position(i)
        for s, (a, b) in _sentence_term_ranges(pc):
            row = raw.setdefault((i, s), {})
            ts = [t for t in pc.terms[a:b] if not t.isdigit()]   # numbers and dates: noise
            for t in ts:
                row["w:" + t] = row.get("w:" + t, 0.0) + w
            for t1, t2 in zip(ts, ts[1:]):
                k = f"b:{t1}_{t2}"
                row[k] = row.get(k, 0.0) + w
        for tag, scores in zip(tag_ids, pc.scores):
            if scores:
                cue_passages[tag] = cue_passages.get(tag, 0) + 1
            for sc in scores:
                row = raw.setdefault((i, sc.sentence), {})
                row["cue:" + tag] = row.get("cue:" + tag, 0.0) + sc.score * w
                cue_max[tag] = max(cue_max.get(tag, 0.0), sc.score)
                labels[((i, sc.sentence), tag)] = " + ".join(sc.cues)
    totals: dict[str, float] = {}
    for row in raw.values():
        for k, v in row.items():
            totals[k] = totals.get(k, 0.0) + v
    values, per_unit = _values(totals, cue_max, cue_passages, max(1, len(cues)))
    for t in {x.text for x in content_terms(title)}:
        values["t:" + t] = TITLE_VALUE
    values["len"] = math.log1p(len(raw)) / 5.0
    shares = {key: {k: v * per_unit[k] for k, v in row.items()} for key, row in raw.items()}
    return DocFeatures(values, shares, labels)


def _sentence_term_ranges(pc: PassageCues) -> list[tuple[int, tuple[int, int]]]:
    """Return (sentence index, (first term, end term)) for the sentences of a passage."""
    out: list[tuple[int, tuple[int, int]]] = []
    start = 0
    for k in range(1, len(pc.sentence_of) + 1):
        if k == len(pc.sentence_of) or pc.sentence_of[k] != pc.sentence_of[start]:
            out.append((pc.sentence_of[start], (start, k)))
            start = k
    return out


def _values(totals: Mapping[str, float], cue_max: Mapping[str, float],
            cue_passages: Mapping[str, int], n_passages: int
            ) -> tuple[dict[str, float], dict[str, float]]:
    """Return (document feature values, value per unit of each raw sentence amount).

    Term features are log(1 + count), scaled to length WORD_SCALE over the document; a tag's cue
    total gives four features (log total, max sentence score, share of passages, log count
    per passage), all split over sentences in proportion to their cue scores.
    """
    words = {k: math.log1p(v) for k, v in totals.items() if not k.startswith("cue:")}
    norm = math.sqrt(sum(v * v for v in words.values())) or 1.0
    values = {k: WORD_SCALE * v / norm for k, v in words.items()}
    per_unit = {k: values[k] / totals[k] for k in words}
    for k, total in totals.items():
        if not k.startswith("cue:"):
            continue
        tag = k[4:]
        parts = {f"c:{tag}:sum": math.log1p(total), f"c:{tag}:max": cue_max.get(tag, 0.0) / 3.0,
                 f"c:{tag}:share": cue_passages.get(tag, 0) / n_passages,
                 f"c:{tag}:dens": math.log1p(total / n_passages)}
        values.update(parts)
        per_unit[k] = 1.0 / total      # the sentence's share of all four (see `_score_parts`)
    return values, per_unit




def sentence_rows(cues: Sequence[PassageCues], tag_ids: Sequence[str]) -> dict[Key, dict[str, float]]:
    """Return each sentence's own features: its terms and bigrams (present: 1) and every tag's
    cue score there (log 1 + score), for the sentence classifiers of `sentence_scores`."""
    out: dict[Key, dict[str, float]] = {}
    for i, pc in enumerate(cues):
        for s, (a, b) in _sentence_term_ranges(pc):
            ts = [t for t in pc.terms[a:b] if not t.isdigit()]
            row = out.setdefault((i, s), {})
            for t in ts:
                row["w:" + t] = 1.0
            for t1, t2 in zip(ts, ts[1:]):
                row[f"b:{t1}_{t2}"] = 1.0
        for tag, scores in zip(tag_ids, pc.scores):
            for sc in scores:
                row = out.setdefault((i, sc.sentence), {})
                row["cue:" + tag] = row.get("cue:" + tag, 0.0) + math.log1p(sc.score)
    return out


def sentence_summary(scores: Sequence[float]) -> dict[str, float]:
    """Return the document features of a tag's sentence scores (decision values): the
    probability of its best sentence and the mean probability of its best two."""
    if not scores:
        return {}
    top = sorted((_sigmoid(x) for x in scores), reverse=True)[:2]
    return {"s:max": SENTENCE_SCALE * top[0], "s:top2": SENTENCE_SCALE * sum(top) / len(top)}


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
