"""Component `dates`: choose a document's own date among its candidates, or say unknown.

Every candidate (`indexer.dating.candidates`) gets the logistic score of a linear model over
its features; the best one is the date unless its probability is below the learned abstain
threshold, then the date is unknown. Stated dates (front matter, sidecar) are never replaced.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.dating import Candidate, candidates
from indexer.learning.labels import LabeledDoc
from indexer.learning.linear import LinearModel, fit_binary
from indexer.learning.sourcedocs import source_of
from indexer.records import Block, DocMeta, Taxonomy

C = 0.3
ABSTAIN_GAIN = 0.5      # a right "unknown" counts half a right date when the threshold is set
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 19))


@dataclass(frozen=True, slots=True)
class DateChooser:
    """The runtime model: candidate scorer plus the probability below which it abstains."""

    model: LinearModel
    threshold: float

    def best(self, blocks: Sequence[Block], hint_date: str | None) -> tuple[Candidate | None, float]:
        """Return (best candidate, its probability), (None, 0.0) when there is none."""
        best, best_p = None, 0.0
        for c in candidates(blocks, hint_date):
            p = self.model.probability(c.features)
            if best is None or p > best_p:
                best, best_p = c, p
        return best, best_p

    def choose(self, blocks: Sequence[Block], hint_date: str | None) -> tuple[str | None, str]:
        """Return (date, date_source) of the document, (None, "") when unsure."""
        best, p = self.best(blocks, hint_date)
        if best is None or p < self.threshold:
            return None, ""
        return best.iso, best.source


def choose_meta(chooser: DateChooser, meta: DocMeta, blocks: Sequence[Block]) -> DocMeta:
    """Return `meta` with the learned date, unless its date was stated (front matter)."""
    from dataclasses import replace
    if meta.date_source == "front-matter":
        return meta
    date, source = chooser.choose(blocks, meta.hint_date)
    return replace(meta, date=date, date_source=source)


def classes(taxonomy: Taxonomy) -> list[str] | None:
    return None


def from_payload(payload: Mapping) -> DateChooser:
    return DateChooser(LinearModel.from_json(payload["scorer"]), float(payload["threshold"]))


def _correct(iso: str, gold: str) -> bool:
    return iso.startswith(gold)


def train(docs: Sequence[LabeledDoc], taxonomy: Taxonomy) -> dict:
    """Return a payload: the candidate scorer and the abstain threshold."""
    rows, labels = [], []
    per_doc = []
    for d in docs:
        src = source_of(d)
        cands = candidates(src.blocks, src.meta.hint_date)
        per_doc.append((d, cands))
        if d.date is None:
            continue
        for c in cands:
            rows.append(c.features)
            labels.append(_correct(c.iso, d.date))
    model = fit_binary(rows, labels, c=C, balanced=False)
    return {"scorer": model.to_json(), "threshold": _threshold(model, per_doc)}


def _threshold(model: LinearModel, per_doc) -> float:
    """Return the threshold maximizing right dates plus right abstentions on `per_doc`."""
    outcomes = []                          # (best probability, right if kept, right if abstained)
    for d, cands in per_doc:
        if not cands:
            continue
        best = max(cands, key=lambda c: model.probability(c.features))
        p = model.probability(best.features)
        outcomes.append((p, d.date is not None and _correct(best.iso, d.date), d.date is None))
    def gain(t: float) -> int:
        return sum(keep if p >= t else ABSTAIN_GAIN * abstain for p, keep, abstain in outcomes)
    return max(THRESHOLDS, key=lambda t: (gain(t), -t)) if outcomes else 0.5


def _rules_date(d: LabeledDoc) -> str | None:
    return source_of(d).meta.date


def predict(chooser: DateChooser, d: LabeledDoc) -> str | None:
    """Return the date the indexer would give `d` with `chooser` attached."""
    src = source_of(d)
    return choose_meta(chooser, src.meta, src.blocks).date


def evaluate_folds(held_out, taxonomy: Taxonomy) -> dict[str, float]:
    """Return date_accuracy (as kbeval: our date starts with the gold one, on documents
    whose date is known), date_abstain_rate and the same for today's rules."""
    out = {}
    for name, get in (("", lambda r, d: predict(r, d)), ("rules_", lambda r, d: _rules_date(d))):
        ok = n = abstain = total = unknown_right = unknown = 0
        for runtime, docs in held_out:
            for d in docs:
                got = get(runtime, d)
                total += 1
                abstain += got is None
                if d.date is None:
                    unknown += 1
                    unknown_right += got is None
                    continue
                n += 1
                ok += got is not None and got.startswith(d.date)
        out[f"{name}date_accuracy"] = round(ok / max(n, 1), 3)
        out[f"{name}date_abstain_rate"] = round(abstain / max(total, 1), 3)
        out[f"{name}unknown_said_unknown"] = round(unknown_right / max(unknown, 1), 3)
    return out
