"""Train the learned components on labeled folders and write indexer/models/<component>.json.

    .venv/bin/python bench/train_models.py --component dates --component doctype \
        --labels ../shared/eval-train ../shared/eval-dev

Deterministic: training twice on the same folders writes byte-identical files.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.learning.bundle import COMPONENTS, component_module  # noqa: E402
from indexer.learning.labels import load_labels  # noqa: E402
from indexer.learning.modelfile import MODELS_DIR, save_model  # noqa: E402
from indexer.taxonomy import default_taxonomy_path, load_taxonomy  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--component", action="append", help="component(s) to train (default: all)")
    ap.add_argument("--labels", nargs="+", type=Path,
                    default=[SHARED / "eval-train", SHARED / "eval-dev"])
    ap.add_argument("--models", type=Path, default=MODELS_DIR)
    args = ap.parse_args()
    taxonomy = load_taxonomy(default_taxonomy_path())
    docs = [d for folder in args.labels for d in load_labels(folder, taxonomy)]
    for name in args.component or COMPONENTS:
        module = component_module(name)
        payload = module.train(docs, taxonomy)
        path = save_model(name, module.classes(taxonomy) or [], payload,
                          {"labels": [p.name for p in args.labels], "documents": len(docs)},
                          args.models)
        print(f"{name}: {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
