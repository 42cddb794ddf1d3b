"""Cross-validate the learned components, folds grouped by publisher, over labeled folders.

    .venv/bin/python bench/cv.py                         # every component, 5 folds
    .venv/bin/python bench/cv.py --component tags --k 5 --labels ../shared/eval-train ../shared/eval-dev
    .venv/bin/python bench/cv.py --component tags --baseline   # the rules, same folds and scoring

Each fold trains the component on the other folds' publishers only and scores the held-out
ones with the component's own `evaluate`; the table shows the figures pooled over folds
(each document scored exactly once, by a model that never saw its publisher).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.learning.bundle import COMPONENTS, component_module  # noqa: E402
from indexer.learning.folds import grouped_folds  # noqa: E402
from indexer.learning.labels import load_labels  # noqa: E402
from indexer.taxonomy import default_taxonomy_path, load_taxonomy  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def cross_validate(name: str, docs, taxonomy, k: int, baseline: bool = False) -> dict[str, float]:
    """Return the component's figures over held-out folds (pooled via `evaluate(..., pooled)`).

    With `baseline`, nothing is trained: each fold is scored with a runtime of None, which
    a component scores with its rules (the behaviour without a model file).
    """
    module = component_module(name)
    folds = grouped_folds(docs, [d.publisher for d in docs], k)
    held_out = []
    for train_idx, test_idx in folds:
        runtime = None
        if not baseline:
            payload = module.train([docs[i] for i in train_idx], taxonomy)
            runtime = module.from_payload(json.loads(json.dumps(payload)))
        held_out.append((runtime, [docs[i] for i in test_idx]))
    return module.evaluate_folds(held_out, taxonomy)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--component", action="append", help="component(s) to score (default: all)")
    ap.add_argument("--labels", nargs="+", type=Path,
                    default=[SHARED / "eval-train", SHARED / "eval-dev"])
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--baseline", action="store_true",
                    help="score the rules (no model) through the same folds and scoring")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    taxonomy = load_taxonomy(default_taxonomy_path())
    docs = [d for folder in args.labels for d in load_labels(folder, taxonomy)]
    out = {}
    for name in args.component or COMPONENTS:
        start = time.monotonic()
        out[name] = cross_validate(name, docs, taxonomy, args.k, args.baseline)
        print(f"{name} ({time.monotonic() - start:.1f} s): " +
              "  ".join(f"{k} {v}" for k, v in out[name].items()))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
