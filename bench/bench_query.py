"""Benchmark search latency through the Flask API, and a bare Whoosh searcher for comparison.

    python bench/bench_query.py INDEX_DIR [--json OUT] [--rounds 1] [--profile-class CLASS]

~200 queries in classes (common words, rare words, 2-3 word AND, phrases, Ukrainian, acronyms,
wildcards, facet filters, date ranges, sort=newest, page 3, browse) are sent as
GET /api/search through the Flask test client of `create_app({"TESTING": True, "INDEX_DIR": ...})`;
p50/p95/max per class and overall are reported (the first request, which loads the document
table, is reported apart as "cold"). The same query texts then run on a bare Whoosh searcher of
a bare index of the same passage texts (ID + TEXT(stored, kb_analyzer()), left in INDEX_DIR-bare
by bench_index.py --keep-index, or written here from the index's stored passages - schema >= 4
stores the passage text in BODY, see bench_index.stored_passages - or given with --bare-dir):
`searcher.search(QueryParser("text", schema).parse(q), limit=10)` plus highlights of the top
10, one searcher reused. Targets at 10k docs: p95 <= 150 ms overall,
no class above 300 ms (p95).
Per request, wall ms and thread CPU ms are recorded (the test client runs the request in this
thread, so CPU ms is its cost; use it when the shared machine is busy).
Facet classes go through the API parameters (loe=, type=, ...), which schema 7 evaluates on the
document table (no per-passage facet fields), so the query set is unchanged across schemas.
`--profile-class CLASS` re-runs that class's API queries under cProfile and prints the top costs.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.qparser import QueryParser  # noqa: E402

from indexer import schema as f  # noqa: E402
from indexer.analysis import normalize_word  # noqa: E402

COMMON = ["defense", "training", "procurement", "reform", "assistance", "budget", "logistics",
          "readiness", "oversight", "partners", "ammunition", "planning", "transparency",
          "interoperability", "brigades", "equipment", "priorities", "coordination",
          "monitoring", "progress"]
AND_WORDS = ["air defense", "defense procurement reform", "civilian control", "export control",
             "spare parts supply", "military education", "budget execution", "border security",
             "cyber defense networks", "technology transfer", "anti-corruption audit",
             "training rotations soldiers", "co-production munitions", "logistics sustainment",
             "supply chain resilience", "personnel management", "donor coordination",
             "strategic partnership support", "inventory military stocks",
             "combat readiness brigades"]
PHRASES = ['"end-use monitoring"', '"civilian control"', '"state defense order"',
           '"air defense systems"', '"NATO standards"', '"defense industrial base"',
           '"professional military education"', '"spare parts supply"',
           '"value for money"', '"territorial integrity"', '"command and control reform"',
           '"joint research and development"', '"burden sharing among allies"',
           '"the interim progress review"', '"maritime security in the Black Sea"',
           '"defense planning"', '"export control"', '"security assistance"',
           '"long-term support"', '"co-production of munitions"']
UKRAINIAN = ["оборони", "закупівлі", "протиповітряної оборони", "реформування", "бюджету",
             "логістики", "цивільного контролю", "стандартів НАТО", "підготовки батальйонів",
             "доброчесності", "експортного контролю", "партнерства", "співфінансування",
             "моніторингу використання", "делегація", "Генеральний штаб", "артилерії",
             "безпілотників", "кадрової політики", "координації допомоги"]
ACRONYMS = ["MJC", "EUM", "USAI", "FMF", "BDC", "PME", "DRAB", "UDCG", "IPR", "DIB", "OIG",
            "PDA", "MJC priorities", "EUM oversight", "USAI funding"]
WILDCARDS = ["procur*", "reform*", "train*", "moderniz*", "logist*", "coordinat*", "monitor*",
             "budget*", "interop*", "defen*", "cyber*", "equip*", "partner*", "oversi*",
             "sustain*"]
FACETED = [("defense", {"loe": "defense-capability"}), ("reform", {"loe": "sector-reform"}),
           ("budget", {"loe": "resource-management"}),
           ("export", {"loe": "technology-cooperation"}), ("training", {"type": "minutes"}),
           ("procurement", {"type": "report"}), ("agreement", {"type": "agreement"}),
           ("оборони", {"lang": "uk"}), ("defense", {"lang": "en"}),
           ("assistance", {"principle": "effective-assistance"}),
           ("partners", {"principle": "multinational-coordination"}),
           ("logistics", {"loe": "resource-management", "type": "report"}),
           ("air defense", {"loe": "defense-capability", "lang": "en"}),
           ("oversight", {"type": "policy"}), ("monitoring", {"loe": "technology-cooperation"}),
           ("reform", {"year": "2019"}), ("planning", {"type": "reform-plan"}),
           ("ammunition", {"loe": "defense-capability", "principle": "enduring-partnership"}),
           ("transparency", {"lang": "en", "type": "report"}), ("cyber", {"loe": "defense-capability"})]
DATED = [("defense", "2015", "2017"), ("reform", "2020", None), ("procurement", None, "2016"),
         ("training", "2018-01", "2018-12"), ("air defense", "2022", "2026"),
         ("budget", "2014", "2015"), ("export control", "2019", "2021"),
         ("oversight", "2024", None), ("logistics", "2016-06", "2017-06"),
         ("partners", "2021", "2021"), ("ammunition", "2023", None), ("cyber", None, "2019"),
         ("interoperability", "2017", "2020"), ("оборони", "2020", None),
         ("monitoring", "2025", None)]
NEWEST = ["defense", "reform", "procurement", "training", "air defense", "budget", "export",
          "oversight", "logistics", "partners", "MJC", '"end-use monitoring"', "оборони",
          "cyber", "ammunition"]
PAGE3 = ["defense", "reform", "procurement", "training", "assistance", "budget", "logistics",
         "partners", "planning", "equipment", "oversight", "progress", "coordination",
         "readiness", "brigades"]
BROWSE = [{}, {"loe": "sector-reform"}, {"type": "minutes"}, {"lang": "uk"},
          {"year": "2020", "sort": "oldest"}]


def rare_words(ix, n: int = 20) -> list[str]:
    """Return invented names from the generator's pool that occur in few passages."""
    from gen_corpus import RARE
    out = []
    with ix.searcher() as s:
        for w in RARE:
            df = s.doc_frequency(f.TEXT_FIELD, normalize_word(w))
            if 1 <= df <= 30:
                out.append(w)
            if len(out) >= n:
                break
    return out


def build_queries(ix) -> list[tuple[str, dict]]:
    q: list[tuple[str, dict]] = []
    q += [("common", {"q": w}) for w in COMMON]
    q += [("rare", {"q": w}) for w in rare_words(ix)]
    q += [("and", {"q": w}) for w in AND_WORDS]
    q += [("phrase", {"q": w}) for w in PHRASES]
    q += [("ukrainian", {"q": w}) for w in UKRAINIAN]
    q += [("acronym", {"q": w}) for w in ACRONYMS]
    q += [("wildcard", {"q": w}) for w in WILDCARDS]
    q += [("facet", {"q": w, **flt}) for w, flt in FACETED]
    q += [("dates", {"q": w, **({"from": a} if a else {}), **({"to": b} if b else {})})
          for w, a, b in DATED]
    q += [("newest", {"q": w, "sort": "newest"}) for w in NEWEST]
    q += [("page3", {"q": w, "page": "3"}) for w in PAGE3]
    q += [("browse", dict(p)) for p in BROWSE]
    return q


def _stats(ms: list[float]) -> dict:
    a = np.array(ms)
    return {"n": len(ms), "p50": round(float(np.percentile(a, 50)), 1),
            "p95": round(float(np.percentile(a, 95)), 1), "max": round(float(a.max()), 1)}


def run_api(client, queries, rounds: int) -> tuple[dict, list, dict, dict, list]:
    """Return (wall ms per class, errors, totals per class, CPU ms per class, per request
    (CPU ms, wall ms, class, URL)).

    The test client runs the request in this thread, so thread CPU time is the request's CPU
    cost: the noise-robust number on a shared machine (wall includes waiting for the cores).
    """
    samples: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    errors, totals = [], {}
    per_query = []       # (cpu ms, wall ms, class, url) of every request, for --slowest
    for _ in range(rounds):
        for cls, params in queries:
            url = "/api/search?" + urlencode(params)
            t0, c0 = time.perf_counter(), time.thread_time()
            resp = client.get(url)
            ms = (time.perf_counter() - t0) * 1000
            samples.setdefault(cls, []).append(ms)
            cpu.setdefault(cls, []).append((time.thread_time() - c0) * 1000)
            per_query.append((cpu[cls][-1], ms, cls, url))
            if resp.status_code != 200:
                errors.append((cls, params, resp.status_code, resp.get_json()))
            else:
                totals.setdefault(cls, []).append(resp.get_json()["total"])
    return samples, errors, totals, cpu, per_query


def bare_index(index_dir: Path, bare_dir: Path | None = None):
    """Return the bare index (ID + TEXT(stored, kb_analyzer())) of the same passages.

    bench_index.py --keep-index DIR leaves it in DIR-bare; otherwise it is written now
    (`--bare-dir` reuses another one, e.g. of an older schema over the same corpus).
    """
    from bench_index import bare_write, stored_passages
    bare_dir = bare_dir or Path(str(index_dir) + "-bare")
    if not (bare_dir.is_dir() and whoosh_index.exists_in(str(bare_dir))):
        shutil.rmtree(bare_dir, ignore_errors=True)
        bare_dir.mkdir(parents=True)
        print(f"writing the bare index {bare_dir} ...", flush=True)
        bare_write(stored_passages(index_dir), bare_dir)
    return whoosh_index.open_dir(str(bare_dir))


def run_bare(ix, queries) -> dict[str, list[float]]:
    parser = QueryParser("text", ix.schema)
    samples: dict[str, list[float]] = {}
    with ix.searcher() as s:
        for cls, params in queries:
            if not params.get("q"):
                continue
            t0 = time.perf_counter()
            results = s.search(parser.parse(params["q"]), limit=10)
            for hit in results:
                hit.highlights("text")
            samples.setdefault(cls, []).append((time.perf_counter() - t0) * 1000)
    return samples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--profile-class", action="append", default=[])
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--bare-dir", type=Path,
                    help="bare index to compare with (default INDEX_DIR-bare, written if missing)")
    ap.add_argument("--no-bare", action="store_true",
                    help="skip the bare Whoosh comparison (writing a bare 50k index takes long)")
    ap.add_argument("--only", action="append", default=[],
                    help="run only this query class (repeatable)")
    ap.add_argument("--slowest", type=int, default=0,
                    help="list the N slowest requests by CPU time")
    a = ap.parse_args(argv)
    from app import create_app
    gen = f.current_generation(a.index_dir)
    if gen is None:
        sys.exit(f"no index in {a.index_dir}")
    ix = whoosh_index.open_dir(str(gen))
    queries = [q for q in build_queries(ix) if not a.only or q[0] in a.only]
    app = create_app({"TESTING": True, "INDEX_DIR": str(a.index_dir)})
    client = app.test_client()

    load_before = os.getloadavg()
    t0, c0 = time.perf_counter(), time.thread_time()
    first = client.get("/api/search?q=defense")
    cold_ms = (time.perf_counter() - t0) * 1000
    cold_cpu_ms = (time.thread_time() - c0) * 1000
    assert first.status_code == 200, first.get_json()
    samples, errors, totals, cpu, per_query = run_api(client, queries, a.rounds)
    load_after = os.getloadavg()
    bare, bare_open_ms = ({}, 0.0) if a.no_bare else _bare_run(a, queries)

    res = {"index": str(a.index_dir), "queries": len(queries), "rounds": a.rounds,
           "cold_first_query_ms": round(cold_ms, 1), "cold_first_query_cpu_ms": round(cold_cpu_ms, 1),
           "bare_open_ms": round(bare_open_ms, 1),
           "bare_dir": str(a.bare_dir or str(a.index_dir) + "-bare"),
           "loadavg_before": [round(x, 2) for x in load_before],
           "loadavg_after_api": [round(x, 2) for x in load_after],
           "loadavg_1m": round(os.getloadavg()[0], 2), "classes": {},
           "errors": [f"{c} {p} -> {s} {j}" for c, p, s, j in errors]}
    all_api = [x for v in samples.values() for x in v]
    all_bare = [x for v in bare.values() for x in v] or [0.0]
    for cls in samples:
        row = {"api": _stats(samples[cls]), "api_cpu": _stats(cpu[cls]),
               "mean_total_docs": round(float(np.mean(totals[cls])), 1) if totals.get(cls) else None}
        if cls in bare:
            row["bare"] = _stats(bare[cls])
            row["ratio_p50"] = round(row["api"]["p50"] / max(row["bare"]["p50"], 1e-3), 1)
        res["classes"][cls] = row
    res["overall"] = {"api": _stats(all_api), "bare": _stats(all_bare),
                      "api_cpu": _stats([x for v in cpu.values() for x in v]),
                      "ratio_p50": round(_stats(all_api)["p50"] / max(_stats(all_bare)["p50"], 1e-3), 1)}
    _print(res)
    if a.slowest:
        print(f"\nslowest {a.slowest} requests (CPU ms, wall ms):")
        for c, w, cls, url in sorted(per_query, reverse=True)[:a.slowest]:
            print(f"  {c:7.1f} {w:7.1f}  {cls:9s} {url}")
    for cls in a.profile_class:
        prof = cProfile.Profile()
        prof.enable()
        for c, params in queries:
            if c == cls:
                client.get("/api/search?" + urlencode(params))
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats("cumulative").print_stats(a.top)
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats("tottime").print_stats(a.top)
        print(f"\n== cProfile of class {cls} ==\n{out.getvalue()}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False))
    return 0


def _bare_run(a: argparse.Namespace, queries: list) -> tuple[dict[str, list[float]], float]:
    """Return the bare searcher's samples per class and its open time (ms)."""
    bare_index(a.index_dir, a.bare_dir)
    t0 = time.perf_counter()
    bare_ix = bare_index(a.index_dir, a.bare_dir)
    with bare_ix.searcher():
        pass
    bare_open_ms = (time.perf_counter() - t0) * 1000
    return run_bare(bare_ix, queries), bare_open_ms


def _print(res: dict) -> None:
    print(f"\n== queries on {res['index']} ({res['queries']} queries x {res['rounds']}; "
          f"load avg before {res['loadavg_before']}, after the API run {res['loadavg_after_api']}) ==")
    print(f"cold first query (loads the document table): {res['cold_first_query_ms']} ms "
          f"({res['cold_first_query_cpu_ms']} ms CPU); "
          f"bare open_dir + searcher: {res['bare_open_ms']} ms")
    print(f"{'class':10s} {'n':>3s} {'api p50':>8s} {'p95':>7s} {'max':>7s} | {'cpu p50':>7s} "
          f"{'p95':>7s} | {'bare p50':>8s} {'p95':>7s} {'max':>7s} | {'ratio':>5s} {'docs':>7s}")
    rows = list(res["classes"].items()) + [("OVERALL", res["overall"])]
    for cls, row in rows:
        api, bare, c = row["api"], row.get("bare"), row["api_cpu"]
        b = (f"{bare['p50']:8.1f} {bare['p95']:7.1f} {bare['max']:7.1f}" if bare
             else f"{'-':>8s} {'-':>7s} {'-':>7s}")
        ratio = f"{row['ratio_p50']:5.1f}" if "ratio_p50" in row else "    -"
        docs = row.get("mean_total_docs")
        print(f"{cls:10s} {api['n']:3d} {api['p50']:8.1f} {api['p95']:7.1f} {api['max']:7.1f} | "
              f"{c['p50']:7.1f} {c['p95']:7.1f} | {b} | {ratio} {docs if docs is not None else '':>7}")
    if res["errors"]:
        print(f"{len(res['errors'])} errors:")
        for e in res["errors"][:10]:
            print("  ", e)


if __name__ == "__main__":
    sys.exit(main())
