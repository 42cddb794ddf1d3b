"""Train the `statements` component on labeled folders and write indexer/models/statements.json.

    .venv/bin/python bench/train_statements.py [--labels ../shared/eval-train ../shared/eval-dev]

Only documents with gold statements are used (eval-dev has none); training twice on the same
folders writes a byte-identical file.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.learning import statements  # noqa: E402
from indexer.learning.labels import load_labels  # noqa: E402
from indexer.learning.modelfile import MODELS_DIR, save_model  # noqa: E402
from indexer.taxonomy import default_taxonomy_path, load_taxonomy  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--labels", nargs="+", type=Path,
                    default=[SHARED / "eval-train", SHARED / "eval-dev"])
    ap.add_argument("--models", type=Path, default=MODELS_DIR)
    args = ap.parse_args()
    taxonomy = load_taxonomy(default_taxonomy_path())
    docs = [d for folder in args.labels for d in load_labels(folder, taxonomy)]
    payload = statements.train(docs, taxonomy)
    n = sum(1 for d in docs if d.statements is not None)
    path = save_model("statements", statements.classes(taxonomy), payload,
                      {"documents": n, "labels": [f.name for f in args.labels]}, args.models)
    print(f"{path}: {path.stat().st_size} bytes from {n} annotated documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
