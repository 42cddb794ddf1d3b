"""Highlight query terms in one passage (never a whole document)."""
from __future__ import annotations

from markupsafe import Markup, escape

from indexer.analysis import terms
from search.results import Fragment

WINDOW_CHARS = 320


def fragments(text: str, wanted: set[str], window: int = WINDOW_CHARS) -> tuple[Fragment, ...]:
    """Return the best window of `text` (about `window` chars) split into plain and match pieces."""
    spans = [(t.start, t.end) for t in terms(text) if t.text in wanted]
    start, end = _best_window(text, spans, window)
    out: list[Fragment] = []
    pos = start
    if start > 0:
        out.append(Fragment("… ", False))
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > pos:
            out.append(Fragment(text[pos:s], False))
        out.append(Fragment(text[s:e], True))
        pos = e
    if pos < end:
        out.append(Fragment(text[pos:end], False))
    if end < len(text):
        out.append(Fragment(" …", False))
    return tuple(out)


def to_html(frags: tuple[Fragment, ...]) -> str:
    """Return fragments as escaped HTML with matches in <mark> (for the JSON API)."""
    return str(Markup("").join(Markup("<mark>%s</mark>") % f.text if f.is_match else escape(f.text)
                               for f in frags))


def _best_window(text: str, spans: list[tuple[int, int]], window: int) -> tuple[int, int]:
    """Return the (start, end) of the window holding the most matches, cut at spaces."""
    if len(text) <= window:
        return 0, len(text)
    best_start, best_count = 0, -1
    for i, (s, _) in enumerate(spans):
        count = sum(1 for s2, _ in spans[i:] if s2 < s + window)
        if count > best_count:
            best_start, best_count = max(0, s - window // 4), count
    start = text.rfind(" ", 0, best_start) + 1 if best_start else 0
    end = min(len(text), start + window)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end
