"""The `tags` component: learns document loe and principle tags from labeled documents.

One L2 logistic regression per tag over the features of `tagfeatures` (cue evidence of every
tag, terms, bigrams, title), applied by `tagmodel.TagsModel`, which also explains each tag by
its strongest contributing sentences. C and the decision threshold of each tag are chosen by
inner cross-validation (grouped by publisher) on the training documents only; training is
deterministic. `evaluate_folds` scores exactly as kbeval's `score_tags` does.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from indexer.learning.folds import grouped_folds
from indexer.learning.labels import LabeledDoc
from indexer.learning.linear import LinearModel, fit_binary
from indexer.learning.tagfeatures import DocFeatures, document_features
from indexer.learning.tagmodel import DocumentTags, TagModel, TagsModel, compiled
from indexer.records import Taxonomy
from indexer.tagging import PassageCues, cue_passage, passage_hits
from indexer.taxonomy import compile_taxonomy

GROUPS = ("loe", "principle")
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
INNER_K = 4
MIN_DF = 2                      # a term must occur in this many training documents
PRUNE = 1e-3                    # weights smaller than this are left out of the model file
FORMAT = 1


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
    return document_features(title, cues, [t.id for t in compiled(taxonomy).topics.tags])


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


def _log_loss(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Return the summed logistic loss of decision values `scores` against `labels`."""
    return sum(math.log1p(math.exp(-abs(x))) + max(0.0, -x if y else x)
               for x, y in zip(scores, labels))


def _choose(rows: Sequence[Mapping[str, float]], labels: Sequence[bool],
            groups: Sequence[str]) -> tuple[float, float]:
    """Return (C, threshold): the C of the lowest inner-CV log loss (ties to the smaller C;
    steadier than picking by F1 on few positives), and the threshold of the best F1 there."""
    if len(set(groups)) < 2 or sum(labels) in (0, len(labels)):
        return 1.0, 0.0
    best: tuple[float, float, float] | None = None
    for c in C_GRID:
        scores = _inner_scores(rows, labels, groups, c)
        loss = _log_loss(scores, labels)
        if best is None or loss < best[0] - 1e-9:
            best = (loss, c, _best_threshold(scores, labels)[1])
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
