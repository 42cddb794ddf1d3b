"""Measure the tagger on the eval-dev documents: per-tag P/R/F1, type accuracy, passages/s.

Not a test. Usage:  python bench/eval_tagging.py [--data ../shared/eval-dev] [--taxonomy PATH]
                    [--errors]   (also list each document's false positives / negatives)
Each document's header (between the '---' lines) gives title and lang; its text is split into
paragraphs (blank lines), then into passages of about 40-250 words, tagged, aggregated to
document tags, and its type classified from title + text.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.records import TagHit  # noqa: E402
from indexer.tagging import classify_type, split_sentences, tag_document, tag_passage  # noqa: E402
from indexer.taxonomy import compile_taxonomy, default_taxonomy_path, load_taxonomy  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval-dev"
MIN_WORDS, MAX_WORDS = 40, 250
GROUPS = ("loe", "principle")


@dataclass(frozen=True)
class Doc:
    """One evaluation document: name, header fields and raw text."""

    name: str
    header: dict[str, str]
    text: str


def read_doc(path: Path) -> Doc:
    """Return the document at `path`, its header parsed from the leading '---' block."""
    raw = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    m = re.match(r"---\n(.*?)\n---\n", raw, re.S)
    if m:
        for line in m.group(1).splitlines():
            key, _, value = line.partition(":")
            header[key.strip()] = value.strip()
        raw = raw[m.end():]
    return Doc(path.name, header, raw)


def _chunk_long(paragraph: str) -> list[str]:
    """Return a long paragraph cut at sentence ends into pieces of at most MAX_WORDS words."""
    pieces, current, count = [], [], 0
    for start, end in split_sentences(paragraph):
        sentence = paragraph[start:end]
        n = len(sentence.split())
        if current and count + n > MAX_WORDS:
            pieces.append(" ".join(current))
            current, count = [], 0
        current.append(sentence)
        count += n
    if current:
        pieces.append(" ".join(current))
    return pieces


def split_passages(text: str) -> list[str]:
    """Return passages of ~MIN_WORDS..MAX_WORDS words built from blank-line paragraphs."""
    passages, current = [], ""
    for paragraph in (p.strip() for p in re.split(r"\n\s*\n", text)):
        if not paragraph:
            continue
        for piece in _chunk_long(paragraph) if len(paragraph.split()) > MAX_WORDS else [paragraph]:
            current = f"{current}\n\n{piece}" if current else piece
            if len(current.split()) >= MIN_WORDS:
                passages.append(current)
                current = ""
    if current:
        passages.append(current)
    return passages


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Return precision, recall and F1 (1.0 when there is nothing to find and nothing found)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: dict, predicted: dict[str, dict[str, set[str]]], taxonomy) -> dict[str, float]:
    """Print per-tag P/R/F1 and return the macro-F1 of each group."""
    macro = {}
    print(f"{'tag':28s} {'P':>5s} {'R':>5s} {'F1':>5s}   tp fp fn")
    for group in GROUPS:
        f1s = []
        for tag in taxonomy.group(group):
            tp = fp = fn = 0
            for name, g in gold.items():
                if tag.id in g.get("ignore", []):
                    continue
                got, want = tag.id in predicted[name][group], tag.id in g[group]
                tp, fp, fn = tp + (got and want), fp + (got and not want), fn + (want and not got)
            p, r, f = _f1(tp, fp, fn)
            f1s.append(f)
            print(f"{tag.id:28s} {p:5.2f} {r:5.2f} {f:5.2f}   {tp:2d} {fp:2d} {fn:2d}")
        macro[group] = sum(f1s) / len(f1s)
        print(f"{group} macro-F1 {macro[group]:.3f}\n")
    return macro


def _print_errors(gold: dict, predicted: dict, types: dict[str, str]) -> None:
    """Print, per document, the tags it got wrong (ignored tags left out)."""
    for name, g in gold.items():
        bad = []
        for group in GROUPS:
            got, want = predicted[name][group], set(g[group]) - set(g.get("ignore", []))
            got = got - set(g.get("ignore", []))
            bad += [f"+{t}" for t in sorted(got - want)] + [f"-{t}" for t in sorted(want - got)]
        if g.get("type") and types[name] != g["type"]:
            bad.append(f"type {types[name]} (gold {g['type']})")
        if bad:
            print(f"{name[:60]:60s} {' '.join(bad)}")


def measure_speed(docs: list[Doc], compiled, size: int = 120, rounds: int = 3) -> float:
    """Return passages/s for tagging the documents' words cut into `size`-word passages."""
    passages = []
    for doc in docs:
        words = doc.text.split()
        passages += [" ".join(words[i:i + size]) for i in range(0, len(words), size)]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for passage in passages:
            tag_passage(passage, compiled)
        best = min(best, time.perf_counter() - t0)
    return len(passages) / best


def main() -> None:
    """Run the measurement and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--taxonomy", type=Path, default=default_taxonomy_path())
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args()
    taxonomy = load_taxonomy(args.taxonomy)
    compiled = compile_taxonomy(taxonomy)
    gold = json.loads((args.data / "gold.json").read_text(encoding="utf-8"))
    docs = [read_doc(args.data / "docs" / name) for name in gold]
    predicted: dict[str, dict[str, set[str]]] = {}
    types: dict[str, str] = {}
    n_passages, words, elapsed = 0, 0, 0.0
    for doc in docs:
        lang = doc.header.get("lang", "en")
        passages = split_passages(doc.text)
        t0 = time.perf_counter()
        tags = [tag_passage(p, compiled, lang) for p in passages]
        elapsed += time.perf_counter() - t0
        n_passages, words = n_passages + len(passages), words + sum(len(p.split()) for p in passages)
        doc_tags: tuple[TagHit, ...] = tag_document(tags, compiled)
        predicted[doc.name] = {g: {t.tag for t in doc_tags if t.group == g} for g in GROUPS}
        types[doc.name] = classify_type(doc.header.get("title", ""), doc.text, compiled, lang)
    macro = score(gold, predicted, taxonomy)
    typed = [n for n, g in gold.items() if g.get("type")]
    accuracy = sum(types[n] == gold[n]["type"] for n in typed) / max(len(typed), 1)
    print(f"type accuracy {accuracy:.3f} ({len(typed)} documents with a gold type)")
    print(f"passages {n_passages} (avg {words / max(n_passages, 1):.0f} words): "
          f"{n_passages / elapsed:.0f} passages/s tagging")
    print(f"120-word passages: {measure_speed(docs, compiled):.0f} passages/s tagging")
    print(f"SUMMARY loe {macro['loe']:.3f} principle {macro['principle']:.3f} type {accuracy:.3f}")
    if args.errors:
        _print_errors(gold, predicted, types)


if __name__ == "__main__":
    main()
