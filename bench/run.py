"""Run the three benchmarks at one corpus size, into bench/out/ (gitignored).

    python bench/run.py [N] [--seed S] [--ablate-tagging] [--tag-limit K]

1. bench/gen_corpus.py N bench/out/corpus-N     (skipped if that folder already has N files)
2. bench/bench_index.py bench/out/corpus-N --keep-index bench/out/index-N
3. bench/bench_query.py bench/out/index-N
Results: bench/out/index-N.json, bench/out/query-N.json, and the printed summaries.
At N=10,000 expect ~30 s to generate, several minutes to build; run it with nohup.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def _run(args: list[str]) -> None:
    print("$", " ".join(args), flush=True)
    subprocess.run([sys.executable, *args], check=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ablate-tagging", action="store_true")
    ap.add_argument("--tag-limit", type=int, default=20000)
    a = ap.parse_args(argv)
    corpus, index = OUT / f"corpus-{a.n}", OUT / f"index-{a.n}"
    docs = sum(1 for p in corpus.rglob("*") if p.is_file() and not p.name.endswith(".meta.yaml")) \
        if corpus.is_dir() else 0
    if docs != a.n:
        _run([str(HERE / "gen_corpus.py"), str(a.n), str(corpus), "--seed", str(a.seed)])
    idx = [str(HERE / "bench_index.py"), str(corpus), "--keep-index", str(index),
           "--json", str(OUT / f"index-{a.n}.json"), "--tag-limit", str(a.tag_limit)]
    _run(idx + (["--ablate-tagging"] if a.ablate_tagging else []))
    _run([str(HERE / "bench_query.py"), str(index), "--json", str(OUT / f"query-{a.n}.json")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
