"""Component `statements`: which sentences are commitments or decisions, and who acts in them.

Three linear models over indexer/statement_features.py: `statement` (a commitment or decision
vs. any other sentence of the same documents), `decision` (decision vs. commitment, among
statements) and one actor model per records.ACTORS (among statements with a gold actor). The
statement model confirms or vetoes the rules: a sentence the rules call a commitment or
decision stays one when its score reaches `rule_threshold`, any other sentence becomes one
when it reaches `threshold`. Both thresholds are chosen by inner cross-validation (grouped
by publisher): the pair with the best out-of-fold recall at precision >= TARGET_PRECISION,
else at the highest precision reached (in steps of 0.05). Sentences are those the indexer
makes (reader -> passages -> sentences), matched to gold statements as kbeval matches them.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.doc_context import DocContext, document_context
from indexer.learning.folds import grouped_folds
from indexer.learning.labels import GoldStatement, LabeledDoc
from indexer.learning.linear import LinearModel, best_class, fit_binary
from indexer.passages import split_passages
from indexer.actors import acting_actor, reporter, speaks
from indexer.records import ACTOR_BOTH, ACTORS, Passage, Taxonomy
from indexer.sentences import sentence_spans
from indexer.statement_features import actor_features, may_state, sentence_features

KINDS = ("commitment", "decision")
TARGET_PRECISION = 0.80
INNER_FOLDS = 4
C_STATEMENT, C_KIND, C_ACTOR = 0.1, 0.5, 1.0


@dataclass(frozen=True, slots=True)
class StatementModel:
    """The runtime model: is a sentence a statement, of which kind, and by whom."""

    statement: LinearModel
    decision: LinearModel
    actors: Mapping[str, LinearModel]
    threshold: float               # for sentences the rules pass over
    rule_threshold: float          # for sentences the rules call commitments or decisions

    def considers(self, sentence: str) -> bool:
        """Return True when a sentence the rules pass over is worth the model's features: it
        holds an obligation, future or deciding verb (about a third of all sentences, and all
        but 7 of the 165 statements the model finds in eval-train)."""
        return may_state(sentence)

    def kind(self, sentence: str, ctx: DocContext | None, passage_no: int = 1,
             sentence_no: int = 0) -> str | None:
        """Return "commitment", "decision" or None for one sentence."""
        f = sentence_features(sentence, ctx, passage_no, sentence_no)
        rule = next((k for k in KINDS if f"rule:{k}" in f), None)
        score = self.statement.score(f)
        if score < (self.rule_threshold if rule else self.threshold):
            return None
        return rule or ("decision" if self.decision.score(f) >= 0 else "commitment")

    def actor(self, sentence: str, trigger: int | None, ctx: DocContext | None) -> str | None:
        """Return the actor of a statement sentence (verb at `trigger`): "Both sides" when the
        rules see two sides acting together, the speaker (or the one reported as saying it)
        when "we" acts, else the actor model's choice."""
        speaker = ctx.speaker if ctx else None
        rule = acting_actor(sentence, trigger, speaker)
        if rule == ACTOR_BOTH or ((speaker or reporter(sentence)) and speaks(sentence, trigger)):
            return rule
        return best_class(self.actors, actor_features(sentence, trigger, ctx))[0] or None


def classes(taxonomy: Taxonomy) -> list[str]:
    """The statement kinds and actors the model predicts."""
    return [*KINDS, *ACTORS]


def from_payload(payload: Mapping) -> StatementModel:
    """Return the runtime model of a model file's `model` part."""
    return StatementModel(LinearModel.from_json(payload["statement"]),
                          LinearModel.from_json(payload["decision"]),
                          {a: LinearModel.from_json(payload["actors"][a]) for a in ACTORS},
                          float(payload["threshold"]), float(payload["rule_threshold"]))


# --- the indexer's sentences, matched to gold ---------------------------------------------

@dataclass(frozen=True, slots=True)
class Case:
    """One sentence of a labeled document as the indexer sees it, with its gold statement."""

    text: str
    passage_no: int
    sentence_no: int
    gold: GoldStatement | None


@dataclass(frozen=True, slots=True)
class ReadDoc:
    """A labeled document read as the indexer reads it."""

    context: DocContext
    passages: tuple[Passage, ...]
    cases: tuple[Case, ...]


def _words(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def same_sentence(a: str, b: str) -> bool:
    """Return True when two texts are the same sentence (kbeval's matching rule)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    ja, jb = " ".join(wa), " ".join(wb)
    if ja[:80] in jb or jb[:80] in ja:
        return True
    sa, sb = set(wa), set(wb)
    return len(sa & sb) / len(sa | sb) >= 0.6


@lru_cache(maxsize=512)
def _read(path: Path, gold: tuple[GoldStatement, ...]) -> ReadDoc:
    from indexer.readers import read_document
    doc = read_document(path, path.parent)
    passages = tuple(split_passages(doc))
    sentences = [(p.text[s:e], p.n, i) for p in passages
                 for i, (s, e) in enumerate(sentence_spans(p.text))]
    best: dict[int, GoldStatement] = {}
    for g in gold:                   # each gold statement labels its closest matching sentence
        scored = [(_overlap(g.text, text), -i) for i, (text, _, _) in enumerate(sentences)
                  if same_sentence(g.text, text)]
        if scored:
            best.setdefault(-max(scored)[1], g)
    cases = tuple(Case(text, n, k, best.get(i)) for i, (text, n, k) in enumerate(sentences))
    return ReadDoc(document_context(doc), passages, cases)


def _overlap(a: str, b: str) -> float:
    sa, sb = set(_words(a)), set(_words(b))
    return len(sa & sb) / max(len(sa | sb), 1)


def read_labeled(doc: LabeledDoc) -> ReadDoc:
    """Return `doc` read by the indexer's reader, its sentences matched to its gold statements."""
    return _read(doc.corpus_path, doc.statements or ())


def _annotated(docs: Sequence[LabeledDoc]) -> list[LabeledDoc]:
    return [d for d in docs if d.statements is not None]


# --- training ------------------------------------------------------------------------------

def _fit_statement(rows: Sequence[dict], ys: Sequence[bool]) -> LinearModel:
    return fit_binary(rows, ys, c=C_STATEMENT)


LOW_GRID = (-1.0, -0.5, 0.0, 0.25, 0.5, 0.75, 1.0)
HIGH_GRID = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 99.0)


def _thresholds(docs: Sequence[LabeledDoc]) -> tuple[float, float]:
    """Return (threshold, rule_threshold) chosen on inner out-of-fold scores."""
    groups = [d.publisher for d in docs]
    k = min(INNER_FOLDS, len(set(groups)))
    if k < 2:
        return 99.0, 0.0
    scored: list[tuple[float, bool, bool]] = []           # (score, rules say so, gold)
    for train_idx, test_idx in grouped_folds(docs, groups, k):
        rows, ys = _statement_rows([docs[i] for i in train_idx])
        model = _fit_statement(rows, ys)
        test_rows, test_ys = _statement_rows([docs[i] for i in test_idx])
        scored.extend((model.score(r), any(f"rule:{k}" in r for k in KINDS), y)
                      for r, y in zip(test_rows, test_ys))
    positives = max(sum(y for _, _, y in scored), 1)
    best: tuple[tuple[float, float], float, float] | None = None
    for lo in LOW_GRID:
        for hi in HIGH_GRID:
            chosen = [y for s, rule, y in scored if s >= (lo if rule else hi)]
            tp = sum(chosen)
            if not tp:
                continue
            p, r = tp / len(chosen), tp / positives
            # precision first (up to the target, in steps of 0.05), then recall
            key = (min(TARGET_PRECISION, int(p * 20) / 20), r)
            if best is None or key > best[0]:
                best = (key, hi, lo)
    return (best[1], best[2]) if best else (99.0, 0.0)


def _statement_rows(docs: Sequence[LabeledDoc]) -> tuple[list[dict], list[bool]]:
    rows, ys = [], []
    for d in docs:
        r = read_labeled(d)
        for c in r.cases:
            if c.gold is not None and "kind" in c.gold.disputed:
                continue
            rows.append(sentence_features(c.text, r.context, c.passage_no, c.sentence_no))
            ys.append(c.gold is not None)
    return rows, ys


def train(docs: Sequence[LabeledDoc], taxonomy: Taxonomy) -> dict:
    """Return a model payload learned from the annotated documents among `docs`."""
    from indexer.statements import rule_signals
    docs = _annotated(docs)
    rows, ys = _statement_rows(docs)
    statement = _fit_statement(rows, ys)
    kind_rows, kind_ys, actor_rows, actor_ys = [], [], [], []
    for d in docs:
        r = read_labeled(d)
        for c in r.cases:
            if c.gold is None:
                continue
            if "kind" not in c.gold.disputed:
                kind_rows.append(sentence_features(c.text, r.context, c.passage_no, c.sentence_no))
                kind_ys.append(c.gold.kind == "decision")
            if c.gold.actor in ACTORS and "actor" not in c.gold.disputed:
                actor_rows.append(actor_features(c.text, rule_signals(c.text)[1], r.context))
                actor_ys.append(c.gold.actor)
    decision = fit_binary(kind_rows, kind_ys, c=C_KIND)
    hi, lo = _thresholds(docs)
    actors = {a: fit_binary(actor_rows, [y == a for y in actor_ys], c=C_ACTOR) for a in ACTORS}
    return {"statement": statement.to_json(), "decision": decision.to_json(),
            "actors": {a: m.to_json() for a, m in actors.items()},
            "threshold": hi, "rule_threshold": lo}


# --- evaluation as kbeval scores the ledger ------------------------------------------------

def _iso_due(text: str) -> str:
    """Return the ISO prefix a due phrase states (kbeval's reading of the `due` column)."""
    from indexer.due_dates import iso_prefix
    return iso_prefix(text or "")


def rows_of(doc: LabeledDoc, runtime: StatementModel | None) -> list:
    """Return the commitment and decision statements the indexer extracts from `doc`."""
    from indexer.statements import extract_statements
    r = read_labeled(doc)
    out, seen = [], set()
    for p in r.passages:
        for s in extract_statements(p.text, r.context.lang, context=r.context, model=runtime,
                                    passage_no=p.n):
            if s.kind in KINDS and s.text not in seen:
                seen.add(s.text)
                out.append(s)
    return out


def evaluate_folds(held_out: Sequence[tuple[StatementModel | None, Sequence[LabeledDoc]]],
                   taxonomy: Taxonomy) -> dict[str, float]:
    """Return kbeval's statement figures over the held-out documents (None: today's rules)."""
    n_gold = n_rows = found = 0
    kind = [0, 0]
    actor = [0, 0]
    due = [0, 0]
    amount = [0, 0]
    for runtime, docs in held_out:
        for d in _annotated(docs):
            rows = rows_of(d, runtime)
            n_gold += len(d.statements or ())
            n_rows += len(rows)
            used: set[int] = set()
            for g in d.statements or ():
                j = next((i for i, r in enumerate(rows) if i not in used
                          and same_sentence(g.text, r.text)), None)
                if j is None:
                    continue
                used.add(j)
                found += 1
                r = rows[j]
                if "kind" not in g.disputed:
                    kind[1] += 1
                    kind[0] += r.kind == g.kind
                if "actor" not in g.disputed:
                    actor[1] += 1
                    actor[0] += (r.actor or None) == (g.actor or None)
                if g.due:
                    due[1] += 1
                    iso = _iso_due(r.due or "")
                    due[0] += bool(iso) and iso[:len(g.due)] == g.due
                if g.amount:
                    amount[1] += 1
                    amount[0] += bool(r.amount) and set(re.findall(r"\d+", g.amount)) <= set(
                        re.findall(r"\d+", (r.amount or "") + " " + r.text))
    return {"gold": n_gold, "rows": n_rows, "found": found,
            "recall": round(found / max(n_gold, 1), 3),
            "precision": round(found / max(n_rows, 1), 3),
            "kind_accuracy": round(kind[0] / max(kind[1], 1), 3),
            "actor_accuracy": round(actor[0] / max(actor[1], 1), 3),
            "due_accuracy": round(due[0] / max(due[1], 1), 3), "due_gold": due[1],
            "amount_accuracy": round(amount[0] / max(amount[1], 1), 3), "amount_gold": amount[1]}
