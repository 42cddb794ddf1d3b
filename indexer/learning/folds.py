"""Cross-validation folds grouped by publisher, so no publisher is both trained and scored on."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_CUT = re.compile(r"\s*(?:\(|,|;|\bvia\b|\brepublished\b|\bciting\b|\bз посиланням\b|\btext of\b)",
                  re.IGNORECASE)


def publisher_of(source: str) -> str:
    """Return the publisher of a header's `source` line: its name before any "(...)", ",",
    "via", "republished" or "citing", lowercased ("U.S. Army (press)" -> "u.s. army")."""
    name = _CUT.split(source.strip(), maxsplit=1)[0]
    return " ".join(name.lower().split()) or "unknown"


def grouped_folds(items: Sequence[T], groups: Sequence[str], k: int) -> list[tuple[list[int], list[int]]]:
    """Return k (train indexes, test indexes) pairs; every group lies in exactly one test fold.

    Deterministic: groups are dealt largest first to the fold with the fewest items so far
    (ties to the lower fold, groups of equal size in name order), as GroupKFold does.
    """
    if len(items) != len(groups):
        raise ValueError("items and groups differ in length")
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    if k < 2 or k > len(sizes):
        raise ValueError(f"need 2 <= k <= {len(sizes)} groups, got k={k}")
    load = [0] * k
    fold_of: dict[str, int] = {}
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        f = min(range(k), key=lambda i: (load[i], i))
        fold_of[g] = f
        load[f] += sizes[g]
    out = []
    for f in range(k):
        test = [i for i, g in enumerate(groups) if fold_of[g] == f]
        train = [i for i, g in enumerate(groups) if fold_of[g] != f]
        out.append((train, test))
    return out
