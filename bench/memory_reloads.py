"""Server memory across uploads: RSS after each snapshot reload (issue 14, item 3).

    python bench/memory_reloads.py [--docs 2000] [--uploads 50] [--project DIR]

Builds (once, cached in bench/out/) a synthetic corpus of --docs documents (gen_corpus.py)
and its index (bench/out/mem-index-N; delete it after a schema change), copies both to a
temp dir, then plays the server's part of --uploads
uploads: a small Markdown file is written to the corpus, an incremental build runs in a
child process (as web/indexing.py does; forked here, which is quicker), and this process - standing in for the
server - reloads the snapshot (`KnowledgeBase.refresh`, the IndexQueue's `on_built`) and
answers a few searches, some of them on a thread that holds a searcher across the reload.
It prints the RSS of this process after each reload and the growth from reload 5 to the
last (the target is under 10%). --project runs another checkout's code (e.g. before a fix).
"""
from __future__ import annotations

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
QUERIES = ["defense reform", "logistics audit", "air defense", "training", "oversight",
           "cyber", "procurement", "мир", "commission", "sustainment"]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child_build(project: str, corpus: str, index: str) -> None:
    sys.path.insert(0, project)
    from indexer.build import build_index
    from indexer.taxonomy import default_taxonomy_path, load_taxonomy
    build_index(Path(corpus), Path(index), load_taxonomy(default_taxonomy_path()), workers=1)


def _build(project: Path, corpus: Path, index: Path) -> None:
    ctx = multiprocessing.get_context("fork")      # cheaper than the app's spawn; same parent
    child = ctx.Process(target=_child_build, args=(str(project), str(corpus), str(index)))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"the build failed (exit code {child.exitcode})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--uploads", type=int, default=50)
    ap.add_argument("--project", type=Path, default=HERE.parent)
    args = ap.parse_args()
    project = args.project.resolve()
    sys.path.insert(0, str(project))
    from indexer.records import Marking
    from indexer.taxonomy import default_taxonomy_path, load_taxonomy
    from search.kb import KnowledgeBase
    from search.query import SearchRequest

    corpus_src = OUT / f"corpus-{args.docs}"
    if not corpus_src.is_dir():
        subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), str(args.docs),
                        str(corpus_src)], check=True)
    with tempfile.TemporaryDirectory(prefix="kb-mem-") as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(corpus_src, corpus)
        cached = OUT / f"mem-index-{args.docs}"
        started = time.monotonic()
        if cached.is_dir():            # built by an earlier run (same schema): copy it
            shutil.copytree(cached, index)
        _build(project, corpus, index)
        if not cached.is_dir():
            shutil.copytree(index, cached)
        print(f"project {project}: {args.docs} documents indexed in "
              f"{time.monotonic() - started:.0f} s", flush=True)
        kb = KnowledgeBase(index, load_taxonomy(default_taxonomy_path()))

        def search(n: int) -> None:
            for i in range(n):
                kb.search(SearchRequest(text=QUERIES[i % len(QUERIES)]), Marking.RESTRICTED)

        kb.refresh()
        search(10)
        rss = [_rss_mb()]
        print(f"reload  0: RSS {rss[0]:7.1f} MB", flush=True)
        for n in range(1, args.uploads + 1):
            (corpus / f"upload-{n:03d}.md").write_text(
                f"---\ntitle: Upload {n}\n---\n\nA note on logistics and air defense "
                f"training, number {n}, word zqx{n}q.\n", encoding="utf-8")
            _build(project, corpus, index)
            reader = threading.Thread(target=search, args=(20,))    # in flight over the reload
            reader.start()
            kb.refresh()
            reader.join()
            search(5)
            rss.append(_rss_mb())
            print(f"reload {n:2d}: RSS {rss[-1]:7.1f} MB", flush=True)
    base = rss[min(5, len(rss) - 1)]
    print(f"RSS after reload 5: {base:.1f} MB; after reload {len(rss) - 1}: {rss[-1]:.1f} MB; "
          f"growth {100 * (rss[-1] - base) / base:+.1f}% (target < 10%)")


if __name__ == "__main__":
    main()
