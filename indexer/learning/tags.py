"""Learned document tags (lines of effort and principles): one L2 logistic regression per tag.

A document's features are sums over its sentences: the taxonomy cues' sentence scores for
every tag (so an administrator's cue still moves results, in any language), its normalized
content terms and bigrams (the opening passages weigh more), and its title's terms. A
sentence's share of every feature is known, so the model's score splits exactly into
sentence contributions (weight x the sentence's share of the value); a document tag's
evidence is its strongest contributing sentences, and passages carry the document's tags
where they hold that evidence or their own cues for the tag fire.

C and the decision threshold of each tag are chosen by inner cross-validation (grouped by
publisher) on the training documents only; training is deterministic.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from indexer.learning.folds import grouped_folds
from indexer.learning.labels import LabeledDoc
from indexer.learning.linear import LinearModel, fit_binary
from indexer.records import Evidence, TagHit, Taxonomy
from indexer.tagging import PassageCues, cue_passage, passage_hits
from indexer.taxonomy import CompiledTaxonomy, compile_taxonomy, content_terms

GROUPS = ("loe", "principle")
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
INNER_K = 4
MIN_DF = 2                      # a term must occur in this many training documents
POSITION_WEIGHT = (2.0, 1.5)    # the first passages' terms and cues count this much more
MAX_EVIDENCE = 3
WORD_SCALE = 3.0                # unit-length term vector scaled to this length (vs cue features)
TITLE_VALUE = 0.5               # value of each title term feature
PRUNE = 1e-3                    # weights smaller than this are left out of the model file
FORMAT = 1

_Key = tuple[int, int]          # (passage index, sentence index)


# --- features ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocFeatures:
    """A document's feature values and each sentence's share of them."""

    values: Mapping[str, float]
    # per sentence: feature name -> the part of its value that sentence holds
    shares: Mapping[_Key, Mapping[str, float]]
    cue_labels: Mapping[tuple[_Key, str], str]      # (sentence, tag) -> the cues that fired


def _position(i: int) -> float:
    return POSITION_WEIGHT[i] if i < len(POSITION_WEIGHT) else 1.0


def document_features(title: str, cues: Sequence[PassageCues], tag_ids: Sequence[str]) -> DocFeatures:
    """Return the features of a document from its passages' cue evidence and its title."""
    raw: dict[_Key, dict[str, float]] = {}
    labels: dict[tuple[_Key, str], str] = {}
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


# --- the runtime model ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagModel:
    """One tag's linear model and decision threshold (on the decision value)."""

    tag: str
    group: str
    model: LinearModel
    threshold: float


@dataclass(frozen=True, slots=True)
class DocumentTags:
    """A document's learned tags and its passages' tags, coherent with them."""

    tags: tuple[TagHit, ...]
    passage_tags: tuple[tuple[TagHit, ...], ...]


def _sentence_contributions(m: LinearModel, f: DocFeatures, tag_ids: Sequence[str]
                            ) -> dict[_Key, tuple[float, list[tuple[float, str]]]]:
    """Return each sentence's contribution to `m`'s score, with its top named parts."""
    w = m.weights
    cue_weight = {t: sum(w.get(f"c:{t}:{p}", 0.0) * f.values.get(f"c:{t}:{p}", 0.0)
                         for p in ("sum", "max", "share", "dens")) for t in tag_ids}
    out = {}
    for key, row in f.shares.items():
        total, parts = 0.0, []
        for k, share in row.items():
            if k.startswith("cue:"):
                c = cue_weight.get(k[4:], 0.0) * share
                name = f.cue_labels.get((key, k[4:]), k[4:])
            else:
                c = w.get(k, 0.0) * share
                name = k[2:].replace("_", " ")
            if c:
                total += c
                parts.append((c, name))
        out[key] = (total, parts)
    return out


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
        tag_ids = [t.id for t in _compiled(taxonomy).topics.tags]
        feats = document_features(title, cues, tag_ids)
        rule = [passage_hits(c, taxonomy) for c in cues]
        doc_hits: list[TagHit] = []
        extra: dict[int, list[TagHit]] = {}
        for tm in self.tags:
            margin = tm.model.score(feats.values) - tm.threshold
            if margin < 0:
                continue
            contrib = _sentence_contributions(tm.model, feats, tag_ids)
            best = sorted((k for k, (c, _) in contrib.items() if c > 0),
                          key=lambda k: (-contrib[k][0], k))[:MAX_EVIDENCE]
            evidence = tuple(_evidence(cues, passage_ids, k, contrib[k][1]) for k in best)
            doc_hits.append(TagHit(tm.tag, tm.group, round(_sigmoid(margin), 3), evidence))
            for i in sorted({k[0] for k in best}):
                if not any(h.tag == tm.tag for h in rule[i]):
                    mine = [e for k, e in zip(best, evidence) if k[0] == i]
                    score = sum(contrib[k][0] for k in best if k[0] == i)
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


def _evidence(cues: Sequence[PassageCues], ids: Sequence[str], key: _Key,
              parts: list[tuple[float, str]]) -> Evidence:
    """Return sentence `key` as evidence naming the features that weighed most for the tag."""
    i, s = key
    start, end = cues[i].sentences[s]
    top = [name for c, name in sorted(parts, key=lambda p: (-p[0], p[1]))[:3] if c > 0]
    return Evidence(text=cues[i].text[start:end], start=start, end=end,
                    cue="model: " + ", ".join(top), passage_id=ids[i] if i < len(ids) else "")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _compiled(taxonomy: Taxonomy | CompiledTaxonomy) -> CompiledTaxonomy:
    return taxonomy if isinstance(taxonomy, CompiledTaxonomy) else compile_taxonomy(taxonomy)


# --- the component contract -------------------------------------------------------------


def classes(taxonomy: Taxonomy) -> list[str]:
    """Return the tag ids the model predicts: every loe and principle tag."""
    return [t.id for t in (*taxonomy.loe, *taxonomy.principle)]


def from_payload(payload: Mapping) -> TagsModel:
    """Return the runtime model of a model file's `model` part."""
    if payload.get("format") != FORMAT:
        raise ValueError(f"tags model format {payload.get('format')!r}, {FORMAT} expected")
    return TagsModel(tuple(TagModel(t["tag"], t["group"], LinearModel.from_json(t),
                                    float(t["threshold"])) for t in payload["tags"]))


@lru_cache(maxsize=512)
def _read_cues(path: str, taxonomy: Taxonomy) -> tuple[str, tuple[PassageCues, ...], tuple[str, ...]]:
    """Return (title, passage cues, passage ids) of a labeled file, read as the indexer does."""
    from indexer.passages import split_passages
    from indexer.readers import read_document
    doc = read_document(Path(path), Path(path).parent)
    compiled = compile_taxonomy(taxonomy)
    passages = split_passages(doc)
    return (doc.meta.title or "", tuple(cue_passage(p.text, compiled, doc.meta.lang) for p in passages),
            tuple(p.passage_id for p in passages))


def labeled_features(doc: LabeledDoc, taxonomy: Taxonomy) -> DocFeatures:
    """Return the features of a labeled document's corpus file."""
    title, cues, _ = _read_cues(str(doc.corpus_path), _plain(taxonomy))
    return document_features(title, cues, [t.id for t in _compiled(taxonomy).topics.tags])


def _plain(taxonomy: Taxonomy) -> Taxonomy:
    """Return `taxonomy` without models (what features depend on; hashable for the cache)."""
    return replace(taxonomy, models=None)


def _gold(doc: LabeledDoc, group: str) -> tuple[str, ...]:
    return doc.loe if group == "loe" else doc.principle


def _f1(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """Return (F1, threshold) maximizing F1; the threshold lies midway between two scores."""
    pairs = sorted(zip(scores, labels), reverse=True)
    positives = sum(labels)
    best = (_f1(0, 0, positives), pairs[0][0] + 1.0 if pairs else 0.0)
    tp = fp = 0
    for n, (s, y) in enumerate(pairs):
        tp += y
        fp += not y
        nxt = pairs[n + 1][0] if n + 1 < len(pairs) else s - 1.0
        if nxt == s:
            continue
        f = _f1(tp, fp, positives - tp)
        if f > best[0] + 1e-9:
            best = (f, (s + nxt) / 2)
    return best


def _inner_scores(rows: Sequence[Mapping[str, float]], labels: Sequence[bool],
                  groups: Sequence[str], c: float) -> list[float]:
    """Return out-of-fold decision values of every row (folds grouped by publisher)."""
    k = min(INNER_K, len(set(groups)))
    out = [0.0] * len(rows)
    for train, test in grouped_folds(rows, groups, k):
        m = fit_binary([rows[i] for i in train], [labels[i] for i in train], c=c)
        for i in test:
            out[i] = m.score(rows[i])
    return out


def _choose(rows: Sequence[Mapping[str, float]], labels: Sequence[bool],
            groups: Sequence[str]) -> tuple[float, float]:
    """Return (C, threshold) of the best inner-CV F1 (ties to the smaller C)."""
    if len(set(groups)) < 2 or sum(labels) in (0, len(labels)):
        return 1.0, 0.0
    best = (-1.0, 1.0, 0.0)
    for c in C_GRID:
        f, thr = _best_threshold(_inner_scores(rows, labels, groups, c), labels)
        if f > best[0] + 1e-9:
            best = (f, c, thr)
    return best[1], best[2]


def _vocabulary(rows: Sequence[Mapping[str, float]]) -> set[str]:
    """Return the term features present in at least MIN_DF rows."""
    df: dict[str, int] = {}
    for r in rows:
        for k in r:
            if k[:2] in ("w:", "b:", "t:"):
                df[k] = df.get(k, 0) + 1
    return {k for k, n in df.items() if n >= MIN_DF}


def _restrict(row: Mapping[str, float], vocab: set[str]) -> dict[str, float]:
    return {k: v for k, v in row.items() if k in vocab or k[:2] not in ("w:", "b:", "t:")}


def train(docs: Sequence[LabeledDoc], taxonomy: Taxonomy) -> dict:
    """Return a tags model payload learned from `docs` (gold loe/principle, `ignore` skipped)."""
    all_rows = [labeled_features(d, taxonomy).values for d in docs]
    vocab = _vocabulary(all_rows)
    all_rows = [_restrict(r, vocab) for r in all_rows]
    out = []
    for group in GROUPS:
        for tag in taxonomy.group(group):
            idx = [i for i, d in enumerate(docs) if tag.id not in d.ignore]
            rows = [all_rows[i] for i in idx]
            labels = [tag.id in _gold(docs[i], group) for i in idx]
            c, threshold = _choose(rows, labels, [docs[i].publisher for i in idx])
            m = fit_binary(rows, labels, c=c)
            m = LinearModel({k: v for k, v in m.weights.items() if abs(v) >= PRUNE}, m.bias)
            out.append({"tag": tag.id, "group": group, "c": c,
                        "threshold": round(threshold, 6), **m.to_json()})
    return {"format": FORMAT, "tags": out}


def predict(model: TagsModel, doc: LabeledDoc, taxonomy: Taxonomy) -> DocumentTags:
    """Return the model's tags of a labeled document's corpus file."""
    title, cues, ids = _read_cues(str(doc.corpus_path), _plain(taxonomy))
    return model.tag(title, cues, ids, taxonomy)


def score_tags(pairs: Sequence[tuple[LabeledDoc, set[str]]], taxonomy: Taxonomy) -> dict[str, float]:
    """Return kbeval's tag figures for (document, predicted tag ids) pairs, plus per-tag F1
    and the number of documents given no line of effort."""
    out: dict[str, float] = {}
    per: dict[str, float] = {}
    for group in GROUPS:
        sums = [0, 0, 0]
        for tag in taxonomy.group(group):
            tp = fp = fn = 0
            for d, got in pairs:
                if tag.id in d.ignore:
                    continue
                g, w = tag.id in got, tag.id in _gold(d, group)
                tp, fp, fn = tp + (g and w), fp + (g and not w), fn + (w and not g)
            per[tag.id] = round(_f1(tp, fp, fn), 3)
            sums = [sums[0] + tp, sums[1] + fp, sums[2] + fn]
        ids = [t.id for t in taxonomy.group(group)]
        out[f"{group}_macro_f1"] = round(sum(per[t] for t in ids) / len(ids), 3)
        out[f"{group}_micro_f1"] = round(_f1(*sums), 3)
    loe = {t.id for t in taxonomy.loe}
    out["docs_without_loe"] = sum(1 for _, got in pairs if not got & loe)
    out.update({f"f1:{k}": v for k, v in per.items()})
    return out


def evaluate_folds(held_out: Sequence[tuple[object, Sequence[LabeledDoc]]],
                   taxonomy: Taxonomy) -> dict[str, float]:
    """Return the tag figures pooled over held-out folds (kbeval's scoring, ignore respected).

    A runtime of None scores the rule tagger (today's aggregation) on that fold instead.
    """
    from indexer.tagging import tag_document
    pairs = []
    for runtime, docs in held_out:
        for d in docs:
            if runtime is None:
                title, cues, ids = _read_cues(str(d.corpus_path), _plain(taxonomy))
                hits = tag_document([passage_hits(c, taxonomy) for c in cues], taxonomy, ids)
            else:
                hits = predict(runtime, d, taxonomy).tags
            pairs.append((d, {h.tag for h in hits}))
    return score_tags(pairs, taxonomy)


def train_and_save(folders: Sequence[Path], taxonomy: Taxonomy, models_dir: Path | None = None) -> Path:
    """Train on the labeled `folders` together and write `tags.json`; return its path."""
    from indexer.learning.labels import load_labels
    from indexer.learning.modelfile import MODELS_DIR, save_model
    docs = [d for folder in folders for d in load_labels(Path(folder), taxonomy)]
    payload = train(docs, taxonomy)
    return save_model("tags", classes(taxonomy), payload,
                      {"documents": len(docs), "folders": [Path(f).name for f in folders]},
                      models_dir or MODELS_DIR)
