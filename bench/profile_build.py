"""Profile one full build: where the writer (parent) process spends its time.

    python bench/profile_build.py CORPUS_DIR [--top 25] [--serial-parse N]

Runs `build_index` under cProfile (main thread = the writer) and, by wrapping
`indexer.build._result`, measures how long the writer sat waiting for parse results versus
writing. `--serial-parse N` also profiles `parse_file` over the first N files in-process (what
each worker does), to show the worker-side costs.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import indexer.build as build  # noqa: E402
from indexer.scan import scan_corpus  # noqa: E402
from indexer.taxonomy import default_taxonomy_path, load_taxonomy  # noqa: E402
from indexer.worker import parse_file  # noqa: E402


def _top(prof: cProfile.Profile, n: int, sort: str) -> str:
    out = io.StringIO()
    pstats.Stats(prof, stream=out).strip_dirs().sort_stats(sort).print_stats(n)
    return out.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--serial-parse", type=int, default=0)
    a = ap.parse_args(argv)
    taxonomy = load_taxonomy(default_taxonomy_path())
    waited = [0.0]
    real_result = build._result

    def timed_result(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return real_result(*args, **kwargs)
        finally:
            waited[0] += time.perf_counter() - t0

    build._result = timed_result
    tmp = Path(tempfile.mkdtemp(prefix="kb-prof-"))
    prof = cProfile.Profile()
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        prof.enable()
        report = build.build_index(a.corpus, tmp / "index", taxonomy, rebuild=True)
        prof.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"build: {report.passages} passages, wall {wall:.1f} s, parent CPU {cpu:.1f} s, "
          f"workers CPU {kids.ru_utime + kids.ru_stime:.1f} s; writer waited for results "
          f"{waited[0]:.1f} s ({waited[0] / wall:.0%} of wall)")
    print(_top(prof, a.top, "cumulative"))
    print(_top(prof, a.top, "tottime"))
    if a.serial_parse:
        root = a.corpus
        files = scan_corpus(root).files[: a.serial_parse]
        p2 = cProfile.Profile()
        t0 = time.perf_counter()
        p2.enable()
        for f in files:
            parse_file(f, root, taxonomy)
        p2.disable()
        print(f"serial parse_file of {len(files)} files: {time.perf_counter() - t0:.1f} s")
        print(_top(p2, a.top, "cumulative"))
        print(_top(p2, a.top, "tottime"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
