"""Reproduce the 500s seen in the load test: a searcher opened before an incremental build whose
commit merges segments fails later, when it first reads a lazily opened column of a merged-away
segment (TypeError: 'NoneType' object is not subscriptable in whoosh3 stored_fields).

    python bench/repro_segment_race.py

Whoosh's W3PerDocReader opens column files (stored fields, lengths) on first use and checks
`storage.file_exists()` then; the incremental writer's commit (MERGE_SMALL) deletes the merged
segments' files. A request that opened its searcher before the commit and reads stored fields
afterwards (DocTable load, snippets, document pages) gets None for the column -> 500.
Runs on a temp copy of tests/corpus; takes a few seconds.
"""
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from whoosh import index as wi
from indexer import schema as f
from indexer.build import build_index
from indexer.records import Marking
from indexer.taxonomy import default_taxonomy_path, load_taxonomy
from indexer.uploads import store_upload
tmp = Path(tempfile.mkdtemp(prefix="kb-race-"))
shutil.copytree(Path(__file__).resolve().parents[1] / "tests" / "corpus", tmp/"corpus")
tax = load_taxonomy(default_taxonomy_path())
build_index(tmp/"corpus", tmp/"index", tax, workers=1)
store_upload(tmp/"corpus", b"# one\n\nThe delegation discussed procurement.\n", "one.md", Marking.INTERNAL)
build_index(tmp/"corpus", tmp/"index", tax, workers=1)
ix = wi.open_dir(str(f.current_generation(tmp/"index")))
s = ix.searcher()                       # a request's searcher, opened before the next commit
print("segments seen by the searcher:", [r.segment().segment_id() for r, _ in s.reader().leaf_readers()])
seen = {r.segment().segment_id() for r, _ in s.reader().leaf_readers()}
for k in range(12):
    store_upload(tmp/"corpus", f"# n{k}\n\nThe delegation discussed logistics {k}.\n".encode(), f"n{k}.md", Marking.INTERNAL)
    build_index(tmp/"corpus", tmp/"index", tax, workers=1)
    now = {r.segment().segment_id() for r, _ in wi.open_dir(str(f.current_generation(tmp/"index"))).reader().leaf_readers()}
    if not seen <= now:
        print(f"after upload {k + 2}: the commit merged away {sorted(seen - now)}; segments now {len(now)}")
        break
try:
    n = sum(1 for _ in s.documents(**{f.KIND: f.KIND_DOC}))
    print("old searcher still reads stored fields:", n)
except Exception as e:
    print("old searcher FAILS:", type(e).__name__, e)
shutil.rmtree(tmp)
