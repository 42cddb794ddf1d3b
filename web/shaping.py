"""JSON and text shapes of our dataclasses, for the JSON API and the CLI (no Flask here)."""
from __future__ import annotations

import dataclasses
from typing import Any

from indexer.records import BuildReport, Taxonomy
from indexer.learning.bundle import models_of
from indexer.tagging import classify_type, cue_passage, tag_document, tag_passage
from search.documents import DocumentView


def document_json(view: DocumentView) -> dict[str, Any]:
    """Return the /api/documents/<id> JSON shape of a document view."""
    doc, meta = view.doc, view.doc.meta

    def tags(group: str) -> list[dict[str, Any]]:
        return [{"id": t.tag, "score": t.score, "evidence": [
            {"passage_id": e.passage_id, "text": e.text, "anchor": e.anchor}
            for e in t.evidence]} for t in view.marked.tags if t.group == group]
    return {
        "id": doc.doc_id, "path": doc.path, "format": doc.fmt, "title": meta.title,
        "date": meta.date, "date_source": meta.date_source, "type": doc.doc_type, "lang": meta.lang, "marking": meta.marking.name,
        "author": meta.author, "orgs": list(meta.orgs), "amounts": [a.text for a in meta.amounts],
        "summary": list(view.summary), "loe": tags("loe"), "principle": tags("principle"),
        "passages": [{"id": p.id, "anchor": p.anchor, "text": p.text, "section": p.section,
                      "page": p.page, "loe": list(p.loe), "principle": list(p.principle)}
                     for p in view.passages],
        "similar": [dataclasses.asdict(x) for x in view.similar],
    }


def tag_text(text: str, taxonomy: Taxonomy, lang: str | None = None) -> dict[str, Any]:
    """Return the tags of a free text as the /api/tag JSON shape."""
    from indexer.metadata import detect_lang
    lang = lang if lang in ("en", "uk") else detect_lang(text)
    model = models_of(taxonomy).get("tags")
    if model is not None:                     # the same learned tagger as the indexer's
        hits = model.tag("", [cue_passage(text, taxonomy, lang)], ["text"], taxonomy).tags
        chosen = {t.tag for t in hits}
    else:
        hits = tag_passage(text, taxonomy, lang)
        doc_tags = tag_document([hits], taxonomy, ["text"])
        chosen = {t.tag for t in doc_tags} | {t.tag for t in hits}
    out: dict[str, Any] = {"loe": [], "principle": [], "lang": lang,
                           "type": classify_type("", text, taxonomy, lang)}
    for t in hits:
        if t.tag in chosen:
            out[t.group].append({"id": t.tag, "score": round(t.score, 3), "evidence": [
                {"text": e.text, "start": e.start, "end": e.end, "cue": e.cue} for e in t.evidence]})
    return out


def report_json(report: BuildReport) -> dict[str, Any]:
    """Return the build summary in the CLI's JSON shape."""
    return {"indexed": report.indexed, "updated": report.updated, "removed": report.removed,
            "unchanged": report.unchanged, "failed": [{"path": x.path, "reason": x.reason}
                                                      for x in report.failed],
            "seconds": report.seconds, "passages": report.passages, "rebuilt": report.rebuilt}


def report_text(report: BuildReport) -> str:
    """Return the build summary as lines for a terminal."""
    lines = [f"{'rebuilt' if report.rebuilt else 'updated'} index in {report.seconds:.1f} s: "
             f"{report.indexed} indexed, {report.updated} updated, {report.removed} removed, "
             f"{report.unchanged} unchanged, {len(report.failed)} failed"]
    lines += [f"  failed: {x.path}: {x.reason}" for x in report.failed]
    return "\n".join(lines)
