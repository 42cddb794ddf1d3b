"""End-to-end quality on the real eval-dev documents, through the project's CLI and JSON API."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import EVAL_DEV, ROOT, needs_shared

pytestmark = [pytest.mark.slow, needs_shared(EVAL_DEV / "kbeval.py")]


def test_eval_dev_scores_stay_at_or_above_the_targets(tmp_path):
    out = tmp_path / "eval.json"
    proc = subprocess.run([sys.executable, str(EVAL_DEV / "kbeval.py"), "--project", str(ROOT),
                           "--python", sys.executable, "--json", str(out),
                           "--min-loe-f1", "0.85", "--min-principle-f1", "0.80",
                           "--min-type-acc", "0.85", "--min-ndcg", "0.85"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["documents_listed"] == 48
    assert result["search"]["errors"] == 0 and result["search"]["awkward_failures"] == []
