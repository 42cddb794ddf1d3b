"""Measure the statement classifier on the hand-labelled sentences: P/R per kind, actor, amount.

Not a test (tests/test_statements.py asserts the precision targets). Usage:
    python bench/eval_statements.py [--gold tests/data/statements_gold.jsonl] [--errors]
The gold file has one JSON object a line: {"text", "lang", "kind", "actor", "amount", "source"};
`kind` is null for a sentence that is none of the four kinds.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.statements import KINDS, extract_statements  # noqa: E402

DEFAULT_GOLD = ROOT / "tests" / "data" / "statements_gold.jsonl"


@dataclass(frozen=True, slots=True)
class GoldSentence:
    """One hand-labelled sentence."""

    text: str
    lang: str
    kind: str | None
    actor: str | None
    amount: str | None
    source: str


@dataclass(frozen=True, slots=True)
class KindScore:
    """Precision and recall of one statement kind."""

    kind: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Return tp / (tp + fp), 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Return tp / (tp + fn), 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the classifier said about one gold sentence."""

    kind: str | None
    actor: str | None
    amount: str | None


def load_gold(path: Path = DEFAULT_GOLD) -> list[GoldSentence]:
    """Return the labelled sentences of a gold file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [GoldSentence(**json.loads(line)) for line in lines if line.strip()]


def predict(sentence: GoldSentence) -> Prediction:
    """Return the classifier's kind, actor and amount for one whole sentence."""
    found = extract_statements(sentence.text, sentence.lang)
    first = found[0] if found else None
    return Prediction(first.kind if first else None, first.actor if first else None,
                      first.amount if first else None)


def kind_scores(gold: list[GoldSentence], preds: list[Prediction]) -> dict[str, KindScore]:
    """Return precision/recall counts per kind."""
    out = {}
    for kind in KINDS:
        tp = sum(1 for g, p in zip(gold, preds) if g.kind == kind and p.kind == kind)
        fp = sum(1 for g, p in zip(gold, preds) if g.kind != kind and p.kind == kind)
        fn = sum(1 for g, p in zip(gold, preds) if g.kind == kind and p.kind != kind)
        out[kind] = KindScore(kind, tp, fp, fn)
    return out


def field_accuracy(gold: list[GoldSentence], preds: list[Prediction], name: str) -> float:
    """Return the share of correctly classified statements whose `name` field matches."""
    pairs = [(g, p) for g, p in zip(gold, preds) if g.kind and g.kind == p.kind]
    if name == "amount":
        pairs = [(g, p) for g, p in pairs if g.amount or p.amount]
    hits = sum(1 for g, p in pairs if getattr(g, name) == getattr(p, name))
    return hits / len(pairs) if pairs else 1.0


def main() -> None:
    """Print the P/R table (and, with --errors, every disagreement)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    gold = load_gold(args.gold)
    preds = [predict(g) for g in gold]
    langs = {lang: sum(1 for g in gold if g.lang == lang) for lang in ("en", "uk")}
    print(f"{len(gold)} sentences ({langs['en']} en, {langs['uk']} uk)")
    print(f"{'kind':12s} {'gold':>5s} {'P':>6s} {'R':>6s}")
    for s in kind_scores(gold, preds).values():
        print(f"{s.kind:12s} {s.tp + s.fn:5d} {s.precision:6.2f} {s.recall:6.2f}")
    for name in ("actor", "amount"):
        print(f"{name} accuracy (on correctly classified): {field_accuracy(gold, preds, name):.2f}")
    if args.errors:
        for g, p in zip(gold, preds):
            if (g.kind, g.actor, g.amount) != (p.kind, p.actor if g.kind else None,
                                                p.amount if g.kind else None):
                print(f"- gold {g.kind}/{g.actor}/{g.amount}  got {p.kind}/{p.actor}/{p.amount}"
                      f"\n  {g.text[:160]}")


if __name__ == "__main__":
    main()
