"""Record or compare the JSON answers of the query bench's queries (a before/after check).

    python bench/check_results.py INDEX_DIR --write OUT.jsonl      # record (before a change)
    python bench/check_results.py INDEX_DIR --compare OUT.jsonl    # compare (after it)

Every query of bench_query.build_queries goes through GET /api/search (Flask test client);
the answer minus `took_ms` is one line of OUT.jsonl. --compare reports every query whose
answer differs (hits, order, scores, totals, facets, snippets) and exits 1 if any does.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from whoosh import index as whoosh_index  # noqa: E402

from bench_query import build_queries  # noqa: E402
from indexer import schema as f  # noqa: E402


def answers(index_dir: Path) -> list[dict]:
    """Return one record per bench query: class, URL and the answer without `took_ms`."""
    from app import create_app
    ix = whoosh_index.open_dir(str(f.current_generation(index_dir)))
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    out = []
    for cls, params in build_queries(ix):
        url = "/api/search?" + urlencode(params)
        resp = client.get(url)
        body = resp.get_json()
        body.pop("took_ms", None)
        out.append({"class": cls, "url": url, "status": resp.status_code, "answer": body})
    return out


def _differences(old: list[dict], new: list[dict]) -> list[str]:
    if [r["url"] for r in old] != [r["url"] for r in new]:
        return ["the query lists differ (another index or bench version?)"]
    diffs = []
    for a, b in zip(old, new):
        if a != b:
            ha = [h["id"] for h in a["answer"].get("hits", [])]
            hb = [h["id"] for h in b["answer"].get("hits", [])]
            what = "hits" if ha != hb else "total" if a["answer"].get("total") != b["answer"].get(
                "total") else "other fields"
            diffs.append(f"{a['class']} {a['url']}: {what} differ")
    return diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index_dir", type=Path)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path)
    mode.add_argument("--compare", type=Path)
    a = ap.parse_args(argv)
    new = answers(a.index_dir)
    if a.write:
        a.write.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new))
        print(f"wrote {len(new)} answers to {a.write}")
        return 0
    old = [json.loads(line) for line in a.compare.read_text().splitlines()]
    diffs = _differences(old, new)
    for d in diffs:
        print(d)
    print(f"{len(new)} queries, {len(diffs)} differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
