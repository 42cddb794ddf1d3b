"""The learned document tagger at run time: scores, sentence evidence, coherent passage tags."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from indexer.learning.linear import LinearModel
from indexer.learning.tagfeatures import (CUE_PARTS, DocFeatures, Key, document_features,
                                          sentence_rows, sentence_summary)
from indexer.records import Evidence, TagHit, Taxonomy
from indexer.tagging import PassageCues, passage_hits
from indexer.taxonomy import CompiledTaxonomy, compile_taxonomy

MAX_EVIDENCE = 3


@dataclass(frozen=True, slots=True)
class TagModel:
    """One tag's linear model and decision threshold (on the decision value)."""

    tag: str
    group: str
    model: LinearModel
    threshold: float
    sentence: LinearModel | None = None     # scores single sentences (see `sentence_summary`)


@dataclass(frozen=True, slots=True)
class DocumentTags:
    """A document's learned tags and its passages' tags, coherent with them."""

    tags: tuple[TagHit, ...]
    passage_tags: tuple[tuple[TagHit, ...], ...]


def _cue_weights(m: LinearModel, f: DocFeatures, tag_ids: Sequence[str]) -> dict[str, float]:
    """Return, per tag, what its cue evidence adds to `m`'s score per unit of cue share."""
    w = m.weights
    return {t: sum(w.get(f"c:{t}:{p}", 0.0) * f.values.get(f"c:{t}:{p}", 0.0)
                   for p in CUE_PARTS) for t in tag_ids}


def _sentence_totals(m: LinearModel, f: DocFeatures, cue_weight: dict[str, float]) -> dict[Key, float]:
    """Return each sentence's contribution to `m`'s score (its features' shares x weights)."""
    w = m.weights
    out = {}
    for key, row in f.shares.items():
        total = 0.0
        for k, share in row.items():
            total += (cue_weight.get(k[4:], 0.0) if k.startswith("cue:") else w.get(k, 0.0)) * share
        out[key] = total
    return out


def _sentence_parts(m: LinearModel, f: DocFeatures, key: Key,
                    cue_weight: dict[str, float]) -> list[tuple[float, str]]:
    """Return the named non-zero parts of one sentence's contribution (for its evidence)."""
    parts = []
    for k, share in f.shares.get(key, {}).items():
        if k.startswith("cue:"):
            c, name = cue_weight.get(k[4:], 0.0) * share, f.cue_labels.get((key, k[4:]), k[4:])
        else:
            c, name = m.weights.get(k, 0.0) * share, k[2:].replace("_", " ")
        if c:
            parts.append((c, name))
    return parts


@dataclass(frozen=True, slots=True)
class TagsModel:
    """The learned document tagger: one TagModel per loe and principle tag."""

    tags: tuple[TagModel, ...]

    def tag(self, title: str, cues: Sequence[PassageCues], passage_ids: Sequence[str],
            taxonomy: Taxonomy | CompiledTaxonomy) -> DocumentTags:
        """Return the document's tags (taxonomy order) with evidence, and its passages' tags.

        A passage carries a document tag where it holds one of the tag's evidence sentences
        or its own cues for the tag reach the passage threshold; it carries no tag the
        document lacks.
        """
        tag_ids = [t.id for t in compiled(taxonomy).topics.tags]
        feats = document_features(title, cues, tag_ids)
        rule = [passage_hits(c, taxonomy) for c in cues]
        doc_hits: list[TagHit] = []
        extra: dict[int, list[TagHit]] = {}
        sents = sentence_rows(cues, tag_ids) if any(tm.sentence for tm in self.tags) else {}
        for tm in self.tags:
            values = feats.values
            scored: list[tuple[float, Key]] = []
            if tm.sentence is not None:
                scored = sorted(((-tm.sentence.score(r), k) for k, r in sents.items()))
                values = {**values, **sentence_summary([-x for x, _ in scored])}
            margin = tm.model.score(values) - tm.threshold
            if margin < 0:
                continue
            cue_weight = _cue_weights(tm.model, feats, tag_ids)
            contrib = _sentence_totals(tm.model, feats, cue_weight)
            named = _add_sentence_model(contrib, tm.model, values, [k for _, k in scored[:2]])
            best = sorted((k for k, c in contrib.items() if c > 0),
                          key=lambda k: (-contrib[k], k))[:MAX_EVIDENCE]
            evidence = tuple(_evidence(cues, passage_ids, k, _sentence_parts(
                tm.model, feats, k, cue_weight) + named.get(k, [])) for k in best)
            doc_hits.append(TagHit(tm.tag, tm.group, round(_sigmoid(margin), 3), evidence))
            for i in sorted({k[0] for k in best}):
                if not any(h.tag == tm.tag for h in rule[i]):
                    mine = [e for k, e in zip(best, evidence) if k[0] == i]
                    score = sum(contrib[k] for k in best if k[0] == i)
                    extra.setdefault(i, []).append(TagHit(
                        tm.tag, tm.group, round(score, 3),
                        tuple(replace(e, passage_id="") for e in mine)))
        chosen = {h.tag for h in doc_hits}
        order = {t: n for n, t in enumerate(tag_ids)}
        passage_tags = tuple(tuple(sorted(
            [h for h in rule[i] if h.tag in chosen] + extra.get(i, []),
            key=lambda h: order.get(h.tag, len(order)))) for i in range(len(cues)))
        return DocumentTags(tuple(sorted(doc_hits, key=lambda h: order.get(h.tag, len(order)))),
                            passage_tags)


def _add_sentence_model(contrib: dict[Key, float], m: LinearModel, values: dict[str, float],
                        top: Sequence[Key]) -> dict[Key, list[tuple[float, str]]]:
    """Add the sentence-classifier features' share of the score to the sentences they come
    from (all of `s:max` to the best sentence, `s:top2` split over the best two); return
    those shares as named parts per sentence."""
    named: dict[Key, list[tuple[float, str]]] = {}
    if not top:
        return named
    shares = [(top[0], m.weights.get("s:max", 0.0) * values.get("s:max", 0.0))]
    shares += [(k, m.weights.get("s:top2", 0.0) * values.get("s:top2", 0.0) / len(top)) for k in top]
    for k, c in shares:
        if c:
            contrib[k] = contrib.get(k, 0.0) + c
            named.setdefault(k, []).append((c, "sentence model"))
    return named


def _evidence(cues: Sequence[PassageCues], ids: Sequence[str], key: Key,
              parts: list[tuple[float, str]]) -> Evidence:
    """Return sentence `key` as evidence naming the features that weighed most for the tag."""
    i, s = key
    start, end = cues[i].sentences[s]
    top = [name for c, name in sorted(parts, key=lambda p: (-p[0], p[1]))[:3] if c > 0]
    return Evidence(text=cues[i].text[start:end], start=start, end=end,
                    cue="model: " + ", ".join(top), passage_id=ids[i] if i < len(ids) else "")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def compiled(taxonomy: Taxonomy | CompiledTaxonomy) -> CompiledTaxonomy:
    return taxonomy if isinstance(taxonomy, CompiledTaxonomy) else compile_taxonomy(taxonomy)
