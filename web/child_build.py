"""Run one `build_index` in a spawned child process and return its outcome.

The writer is CPU-bound Python: in a server process it would hold the interpreter lock
against every request. Uploads (web/indexing.py) and damage recovery (web/recovery.py)
both build this way.
"""
from __future__ import annotations

import multiprocessing
import queue
from pathlib import Path
from typing import Literal

from indexer import schema as f
from indexer.build import BuildLocked, BuildRefused, build_index
from indexer.records import BuildReport, Taxonomy

Outcome = Literal["ok", "locked", "refused", "skipped", "error"]


def _child_build(results, corpus_dir: Path, index_dir: Path, taxonomy: Taxonomy,
                 rebuild: bool, only_if_current: str | None) -> None:
    """Run the build (in the child) and send back its outcome."""
    try:
        if only_if_current is not None and _current_name(index_dir) != only_if_current:
            results.put(("skipped", "CURRENT has moved on from the damaged generation"))
            return
        results.put(("ok", build_index(corpus_dir, index_dir, taxonomy, rebuild=rebuild,
                                       workers=2 if rebuild else 1)))
    except BuildLocked as exc:
        results.put(("locked", str(exc)))
    except BuildRefused as exc:
        results.put(("refused", str(exc)))


def _current_name(index_dir: Path) -> str | None:
    gen = f.current_generation(index_dir)
    return gen.name if gen is not None else None


def build_in_child(corpus_dir: Path, index_dir: Path, taxonomy: Taxonomy, *,
                   rebuild: bool = False, only_if_current: str | None = None,
                   ) -> tuple[Outcome, BuildReport | str | None]:
    """Return ("ok", report), ("locked" | "refused" | "skipped" | "error", reason).

    `only_if_current`: build only if CURRENT still names this generation ("skipped"
    otherwise), checked in the child just before the build.
    """
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    child = ctx.Process(target=_child_build, name="kb-child-build",
                        args=(results, corpus_dir, index_dir, taxonomy, rebuild,
                              only_if_current))
    child.start()
    while True:
        try:
            outcome = results.get(timeout=1.0)
            break
        except queue.Empty:
            if not child.is_alive():
                try:                    # it may have sent its outcome just before exiting
                    outcome = results.get(timeout=0.5)
                    break
                except queue.Empty:
                    return "error", f"the build process exited with code {child.exitcode}"
    child.join()
    return outcome
