"""Index storage whose merged-away segment files outlive the merge for a grace period.

Whoosh deletes the files of segments a commit merged away at once. A searcher opened before
the commit reads some of those files lazily (stored fields, field lengths) and then fails;
the search engine also keeps serving the previous generation while it loads the next one.
Updates therefore open the index through `GracefulStorage`: a segment file Whoosh asks to
delete is recorded with the time of the request and deleted by a later commit once
`grace_s` has passed. Only builds (which hold the build lock) delete files.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

GRACE_S = 300.0
PENDING_FILE = ".deferred-deletes.json"     # Whoosh ignores files starting with a dot
_SEGMENT_FILE = re.compile(r"^[A-Za-z0-9]+_[0-9a-z]+\.[A-Za-z0-9_.]+$")


class GracefulStorage(FileStorage):
    """A FileStorage that deletes segment files only `grace_s` after Whoosh asks to."""

    def __init__(self, path: Path, grace_s: float | None = None) -> None:
        super().__init__(str(path))
        self.grace_s = GRACE_S if grace_s is None else grace_s
        self._pending_path = Path(path) / PENDING_FILE

    def delete_file(self, name: str) -> None:
        if not _SEGMENT_FILE.match(name):           # tables of contents, locks: at once
            super().delete_file(name)
            return
        pending = self._read_pending()
        now = time.time()
        asked = pending.setdefault(name, now)
        if now - asked >= self.grace_s:
            super().delete_file(name)
            del pending[name]
        self._write_pending(pending)

    def _read_pending(self) -> dict[str, float]:
        try:
            data = json.loads(self._pending_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {k: float(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_pending(self, pending: dict[str, float]) -> None:
        tmp = self._pending_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(pending, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self._pending_path)
