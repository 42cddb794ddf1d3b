"""Benchmark the index build.

    python bench/bench_index.py CORPUS_DIR [--keep-index DIR] [--json OUT] [--workers 2]
                                [--tag-limit N] [--ablate-tagging] [--profile-writer]

(a) a full `build_index` into a fresh temp dir: docs, passages, seconds, passages/s, peak RSS of
    this (writer) process and of the worker processes, CPU seconds of each side;
(b) a no-change re-run on the same index (target < 5 s at 10k docs);
(c) the same passage texts (read back from the built index's stored text) written by a bare
    Whoosh writer: schema ID + TEXT(stored, kb_analyzer()), same writer options; ratio
    build / bare (target <= 1.3x);
(e) the whole knowledge step (`indexer.worker.analyze_document`: learned tags, date, type,
    statements, passage split) over an evenly spaced sample of `--knowledge-limit` files, read
    first and not timed: CPU per document and its extrapolated share of the build's CPU; and
    the time to load the shipped models. The build uses the shipped models (`--no-models`: the
    cue rules alone).
(d) `indexer.tagging.tag_passage` over those passages, serially in this process: passages/s,
    and its share of the build (CPU share = tagging s / build s; wall-clock share estimate =
    tagging s / (workers x build s), since tagging runs in the workers beside the writer).
    --ablate-tagging also rebuilds with tag_passage replaced by a no-op (the pool forks, so the
    patch reaches the workers) and reports the measured wall-clock difference.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402

from indexer import analysis  # noqa: E402
from indexer import schema as f  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.records import decode_document  # noqa: E402
from indexer.learning.bundle import attach_models  # noqa: E402
from indexer.taxonomy import default_taxonomy_path, load_taxonomy  # noqa: E402


# schema 3 stored the passage text in "text"; schema 4 stores it in BODY ("text" = terms only)
BODY_FIELD = getattr(f, "BODY", f.TEXT_FIELD)


def _maxrss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024          # Linux: KiB


def _cpu(who: int) -> float:
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


def timed_build(corpus: Path, index_dir: Path, taxonomy, workers: int, rebuild: bool) -> dict:
    self0, kids0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    report = build_index(corpus, index_dir, taxonomy, rebuild=rebuild, workers=workers)
    secs = time.perf_counter() - t0
    return {
        "docs": report.indexed + report.updated, "unchanged": report.unchanged,
        "failed": len(report.failed), "passages": report.passages, "seconds": round(secs, 2),
        "passages_per_s": round(report.passages / secs, 1) if report.passages else None,
        "writer_cpu_s": round(_cpu(resource.RUSAGE_SELF) - self0, 2),
        "workers_cpu_s": round(_cpu(resource.RUSAGE_CHILDREN) - kids0, 2),
        "peak_rss_parent_mb": round(_maxrss_mb(resource.RUSAGE_SELF), 1),
        "peak_rss_children_mb": round(_maxrss_mb(resource.RUSAGE_CHILDREN), 1),
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "failures": [f"{x.path}: {x.reason}" for x in report.failed][:5],
    }


def stored_passages(index_dir: Path) -> list[tuple[str, str, str]]:
    """Return (passage_id, text, lang) of every passage in the built index."""
    gen = f.current_generation(index_dir)
    ix = whoosh_index.open_dir(str(gen))
    out, langs = [], {}
    with ix.searcher() as s:
        for fields in s.reader().all_stored_fields():
            if f.DOC_JSON in fields:
                d = decode_document(fields[f.DOC_JSON])
                langs[d.doc_id] = d.meta.lang
            elif fields.get(BODY_FIELD) or fields.get(f.TEXT_FIELD):
                text = fields.get(BODY_FIELD) or fields[f.TEXT_FIELD]
                out.append((fields[f.PASSAGE_ID], text, fields[f.DOC_ID]))
    return [(pid, text, langs.get(doc_id, "en")) for pid, text, doc_id in out]


def bare_write(passages, target: Path) -> tuple[float, float]:
    """Write the passage texts with a bare Whoosh writer; return (wall s, CPU s)."""
    analysis.normalize_word.cache_clear()          # the build warmed it in this process
    schema = Schema(id=ID(stored=True, unique=True),
                    text=TEXT(analyzer=analysis.kb_analyzer(), stored=True))
    t0, c0 = time.perf_counter(), time.process_time()
    ix = whoosh_index.create_in(str(target), schema)
    with ix.writer(limitmb=256, multisegment=False, compound=False) as w:
        for pid, text, _ in passages:
            w.add_document(id=pid, text=text)
    return time.perf_counter() - t0, time.process_time() - c0


def tag_throughput(passages, taxonomy) -> tuple[float, float, int]:
    """Return (wall s, CPU s, count) of tag_passage over `passages`, serially."""
    from indexer.tagging import tag_passage
    analysis.normalize_word.cache_clear()
    t0, c0 = time.perf_counter(), time.process_time()
    for _, text, lang in passages:
        tag_passage(text, taxonomy, lang)
    return time.perf_counter() - t0, time.process_time() - c0, len(passages)


def knowledge_share(corpus: Path, taxonomy, limit: int, build_cpu: float) -> dict:
    """Return the CPU of `analyze_document` over a sample of the corpus's files, extrapolated."""
    from indexer.readers import read_document
    from indexer.scan import scan_corpus
    from indexer.worker import analyze_document
    files = scan_corpus(corpus).files
    step = max(1, len(files) // limit)
    sample = files[::step][:limit]
    cpu = 0.0
    for f in sample:
        doc = read_document(f.path, corpus)
        c0 = time.process_time()
        analyze_document(doc, taxonomy, "0" * 64, f)
        cpu += time.process_time() - c0
    per_doc = cpu / max(1, len(sample))
    return {"files_timed": len(sample), "cpu_ms_per_doc": round(1000 * per_doc, 2),
            "est_total_cpu_s": round(per_doc * len(files), 1),
            "share_of_build_cpu": round(per_doc * len(files) / build_cpu, 3)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--keep-index", type=Path,
                    help="build here (kept, with the bare index in DIR-bare) instead of a temp dir")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tag-limit", type=int, default=0,
                    help="time tagging on an evenly spaced sample of this many passages (0 = all)")
    ap.add_argument("--ablate-tagging", action="store_true")
    ap.add_argument("--knowledge-limit", type=int, default=400)
    ap.add_argument("--no-models", action="store_true", help="build with the cue rules alone")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    taxonomy = load_taxonomy(default_taxonomy_path())
    if not a.no_models:
        taxonomy = attach_models(taxonomy)
    model_load_s = time.perf_counter() - t0
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    index_dir = a.keep_index or tmp / "index"
    if a.keep_index and a.keep_index.exists():
        shutil.rmtree(a.keep_index)
    res: dict = {"corpus": str(a.corpus), "workers": a.workers}
    try:
        print(f"(a) full build of {a.corpus} ...", flush=True)
        res["full"] = full = timed_build(a.corpus, index_dir, taxonomy, a.workers, rebuild=True)
        print(json.dumps(full), flush=True)

        print("(b) no-change re-run ...", flush=True)
        res["rerun"] = timed_build(a.corpus, index_dir, taxonomy, a.workers, rebuild=False)
        print(json.dumps(res["rerun"]), flush=True)

        passages = stored_passages(index_dir)
        print(f"(c) bare Whoosh writer over the same {len(passages)} passage texts ...", flush=True)
        bare_dir = Path(str(index_dir) + "-bare") if a.keep_index else tmp / "bare"
        shutil.rmtree(bare_dir, ignore_errors=True)
        bare_dir.mkdir(parents=True)
        bare, bare_cpu = bare_write(passages, bare_dir)
        res["bare"] = {"passages": len(passages), "seconds": round(bare, 2),
                       "cpu_s": round(bare_cpu, 2),
                       "passages_per_s": round(len(passages) / bare, 1),
                       "build_over_bare": round(full["seconds"] / bare, 2),
                       # noise-robust: the build's critical path in CPU seconds vs bare CPU
                       "build_cpu_path_over_bare_cpu": round(
                           max(full["writer_cpu_s"], full["workers_cpu_s"] / a.workers)
                           / bare_cpu, 2),
                       "writer_cpu_over_bare_cpu": round(full["writer_cpu_s"] / bare_cpu, 2),
                       "loadavg_1m_after": round(os.getloadavg()[0], 2)}
        print(json.dumps(res["bare"]), flush=True)

        sample = passages
        if a.tag_limit and len(passages) > a.tag_limit:
            step = len(passages) / a.tag_limit
            sample = [passages[int(i * step)] for i in range(a.tag_limit)]
        print(f"(d) tag_passage over {len(sample)} passages ...", flush=True)
        secs, tag_cpu, n = tag_throughput(sample, taxonomy)
        rate = n / secs
        total_tag = len(passages) / rate
        res["tagging"] = {
            "passages_timed": n, "seconds": round(secs, 2), "cpu_s": round(tag_cpu, 2),
            "passages_per_s": round(rate, 1),
            "share_of_workers_cpu": round(len(passages) / (n / tag_cpu) / full["workers_cpu_s"], 3),
            "est_total_tag_s": round(total_tag, 1),
            "share_of_build_cpu": round(
                total_tag / (full["writer_cpu_s"] + full["workers_cpu_s"]), 3),
            "share_of_build_wall_est": round(total_tag / (a.workers * full["seconds"]), 3),
        }
        if a.ablate_tagging:
            import indexer.worker as worker
            real = worker.tag_passage
            worker.tag_passage = lambda text, taxonomy, lang: ()
            try:
                ab = timed_build(a.corpus, tmp / "ablate", taxonomy, a.workers, rebuild=True)
            finally:
                worker.tag_passage = real
            res["tagging"]["build_without_tagging_s"] = ab["seconds"]
            res["tagging"]["build_without_tagging_workers_cpu_s"] = ab["workers_cpu_s"]
            res["tagging"]["share_of_build_wall_measured"] = round(
                1 - ab["seconds"] / full["seconds"], 3)
        print(json.dumps(res["tagging"]), flush=True)
        print(f"(e) knowledge step over {a.knowledge_limit} files ...", flush=True)
        res["knowledge"] = knowledge_share(a.corpus, taxonomy, a.knowledge_limit,
                                           full["writer_cpu_s"] + full["workers_cpu_s"])
        res["knowledge"]["taxonomy_and_models_load_s"] = round(model_load_s, 3)
        print(json.dumps(res["knowledge"]), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=1))
    _summary(res)
    return 0


def _summary(res: dict) -> None:
    full, rerun, bare, tag = res["full"], res["rerun"], res["bare"], res["tagging"]
    print("\n== index build ==")
    print(f"docs {full['docs']} (failed {full['failed']}), passages {full['passages']}")
    print(f"full build   {full['seconds']:8.1f} s  {full['passages_per_s']} passages/s  "
          f"writer CPU {full['writer_cpu_s']} s, workers CPU {full['workers_cpu_s']} s")
    print(f"peak RSS     parent {full['peak_rss_parent_mb']} MB, "
          f"children (largest) {full['peak_rss_children_mb']} MB")
    print(f"no-change    {rerun['seconds']:8.2f} s   (target < 5 s at 10k)")
    print(f"bare writer  {bare['seconds']:8.1f} s  {bare['passages_per_s']} passages/s  "
          f"build/bare = {bare['build_over_bare']}x wall (target <= 1.3x); CPU: writer/bare "
          f"{bare['writer_cpu_over_bare_cpu']}x, critical path/bare {bare['build_cpu_path_over_bare_cpu']}x")
    line = (f"tagging      {tag['passages_per_s']} passages/s, est. {tag['est_total_tag_s']} s "
            f"for all = {tag['share_of_build_cpu']:.0%} of the build's CPU (all processes), "
            f"~{tag['share_of_build_wall_est']:.0%} wall-clock est., "
            f"{tag['share_of_workers_cpu']:.0%} of worker CPU")
    if "share_of_build_wall_measured" in tag:
        line += (f"; build without tagging {tag['build_without_tagging_s']} s "
                 f"=> measured wall share {tag['share_of_build_wall_measured']:.0%}")
    print(line + "  (target < 25%)")


if __name__ == "__main__":
    sys.exit(main())
