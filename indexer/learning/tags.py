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
from indexer.learning.tagfeatures import (DocFeatures, document_features, sentence_rows,
                                          sentence_summary)
from indexer.learning.tagmodel import DocumentTags, TagModel, TagsModel, compiled
from indexer.records import Taxonomy
from indexer.tagging import PassageCues, cue_passage, passage_hits
from indexer.taxonomy import compile_taxonomy, phrase_terms

GROUPS = ("loe", "principle")
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
INNER_K = 4
MIN_DF = 2                      # a term must occur in this many training documents
PRUNE = 1e-3                    # weights smaller than this are left out of the model file
SENTENCE_C = 1.0                # regularization of the per-tag sentence classifiers
SENTENCE_PRUNE = 1e-2           # sentence-model weights smaller than this are left out
MIN_OVERLAP = 0.5               # share of an evidence quote's terms a sentence must hold
FORMAT = 2


# --- the component contract -------------------------------------------------------------


def classes(taxonomy: Taxonomy) -> list[str]:
    """Return the tag ids the model predicts: every loe and principle tag."""
    return [t.id for t in (*taxonomy.loe, *taxonomy.principle)]


def from_payload(payload: Mapping) -> TagsModel:
    """Return the runtime model of a model file's `model` part."""
    if payload.get("format") != FORMAT:
        raise ValueError(f"tags model format {payload.get('format')!r}, {FORMAT} expected")
    return TagsModel(tuple(TagModel(t["tag"], t["group"], LinearModel.from_json(t),
                                    float(t["threshold"]),
                                    LinearModel.from_json(t["sentence"]) if t.get("sentence") else None)
                           for t in payload["tags"]))


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


def labeled_sentences(doc: LabeledDoc, taxonomy: Taxonomy) -> dict:
    """Return the sentence rows (see `tagfeatures.sentence_rows`) of a labeled document."""
    _, cues, _ = _read_cues(str(doc.corpus_path), _plain(taxonomy))
    return sentence_rows(cues, [t.id for t in compiled(taxonomy).topics.tags])


def _locate(quote: str, rows: Mapping) -> object | None:
    """Return the key of the sentence holding most of `quote`'s terms (None below MIN_OVERLAP)."""
    want = {t for t in phrase_terms(quote) if not t.isdigit()}
    if not want:
        return None
    best, key = 0.0, None
    for k in sorted(rows):
        got = sum(1 for t in want if "w:" + t in rows[k]) / len(want)
        if got > best + 1e-9:
            best, key = got, k
    return key if best >= MIN_OVERLAP else None


def _sentence_examples(docs: Sequence[LabeledDoc], sents: Sequence[Mapping], idx: Sequence[int],
                       tag: str, group: str) -> tuple[list[Mapping], list[bool]]:
    """Return (rows, labels): the located evidence sentences of the tag's documents, and every
    sentence of the documents without it (documents with the tag but no evidence left out)."""
    rows: list[Mapping] = []
    labels: list[bool] = []
    for i in idx:
        d = docs[i]
        if tag in d.ignore:
            continue
        if tag in _gold(d, group):
            key = _locate(d.evidence[tag], sents[i]) if d.evidence.get(tag) else None
            if key is not None:
                rows.append(sents[i][key])
                labels.append(True)
        else:
            for k in sorted(sents[i]):
                rows.append(sents[i][k])
                labels.append(False)
    return rows, labels


def _fit_sentences(docs, sents, idx, tag: str, group: str) -> LinearModel | None:
    """Return the tag's sentence classifier learned from documents `idx` (None: no positives)."""
    rows, labels = _sentence_examples(docs, sents, idx, tag, group)
    if sum(labels) < 2 or all(labels):
        return None
    m = fit_binary(rows, labels, c=SENTENCE_C)
    return LinearModel({k: v for k, v in m.weights.items() if abs(v) >= SENTENCE_PRUNE}, m.bias)


def _summary(m: LinearModel | None, rows: Mapping) -> dict[str, float]:
    return sentence_summary([m.score(r) for r in rows.values()]) if m is not None else {}


def _oof_summaries(docs, sents, tag: str, group: str) -> list[dict[str, float]]:
    """Return every document's sentence features, scored by classifiers that did not see it."""
    groups = [d.publisher for d in docs]
    out: list[dict[str, float]] = [{} for _ in docs]
    k = min(INNER_K, len(set(groups)))
    if k < 2:
        return out
    for tr, te in grouped_folds(list(docs), groups, k):
        m = _fit_sentences(docs, sents, tr, tag, group)
        for i in te:
            out[i] = _summary(m, sents[i])
    return out


def train(docs: Sequence[LabeledDoc], taxonomy: Taxonomy) -> dict:
    """Return a tags model payload learned from `docs` (gold loe/principle, `ignore` skipped)."""
    all_rows = [labeled_features(d, taxonomy).values for d in docs]
    vocab = _vocabulary(all_rows)
    all_rows = [_restrict(r, vocab) for r in all_rows]
    sents = [{k: _restrict(r, vocab) for k, r in labeled_sentences(d, taxonomy).items()} for d in docs]
    out = []
    for group in GROUPS:
        for tag in taxonomy.group(group):
            idx = [i for i, d in enumerate(docs) if tag.id not in d.ignore]
            sentence = _fit_sentences(docs, sents, range(len(docs)), tag.id, group)
            oof = _oof_summaries(docs, sents, tag.id, group) if sentence is not None else None
            rows = [{**all_rows[i], **(oof[i] if oof else {})} for i in idx]
            labels = [tag.id in _gold(docs[i], group) for i in idx]
            c, threshold = _choose(rows, labels, [docs[i].publisher for i in idx])
            m = fit_binary(rows, labels, c=c)
            m = LinearModel({k: v for k, v in m.weights.items() if abs(v) >= PRUNE}, m.bias)
            out.append({"tag": tag.id, "group": group, "c": c,
                        "threshold": round(threshold, 6), **m.to_json(),
                        "sentence": sentence.to_json() if sentence is not None else None})
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
