"""Routes for finding and reading: home, search (page and API), documents, glossary, tagging.

Each route reads its input, makes one call into search/ at the viewer's clearance and
renders or returns JSON; errors are mapped to responses in app.py.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request, send_file

from indexer.records import Taxonomy
from search.errors import NotFound, QueryError
from search.query import FACET_LABELS, SORT_LABELS, SORTS, SearchRequest
from web.context import Clearance, kb, query_args
from web.shaping import document_json, tag_text


def register_search_routes(app: Flask, clearance: Clearance) -> None:
    """Add the search and document routes; `clearance` is app.current_clearance."""
    taxonomy: Taxonomy = app.extensions["taxonomy"]

    @app.get("/")
    def home_page() -> str:
        overview = kb(app).home(clearance())
        return render_template("home.html", overview=overview, taxonomy=taxonomy)

    @app.get("/search")
    def search_page() -> str:
        req = SearchRequest.from_args(query_args(), taxonomy, app.config["PAGE_SIZE"])
        results = kb(app).search(req, clearance())
        return render_template("search.html", req=req, results=results,
                               facet_labels=FACET_LABELS, taxonomy=taxonomy,
                               sort_options=[(s, SORT_LABELS[s]) for s in SORTS])

    @app.get("/api/search")
    def search_api() -> Response:
        req = SearchRequest.from_args(query_args(), taxonomy, app.config["PAGE_SIZE"])
        results = kb(app).search(req, clearance())
        return jsonify(dataclasses.asdict(results))

    @app.get("/documents/<doc_id>")
    def document_page(doc_id: str) -> str:
        view = kb(app).document(doc_id, clearance())
        return render_template("document.html", view=view, taxonomy=taxonomy)

    @app.get("/api/documents/<doc_id>")
    def document_api(doc_id: str) -> Response:
        return jsonify(document_json(kb(app).document(doc_id, clearance())))

    @app.get("/documents/<doc_id>/download")
    def document_download(doc_id: str) -> Response:
        view = kb(app).document(doc_id, clearance())
        root = Path(app.config["CORPUS_DIR"]).resolve()
        path = (root / view.doc.path).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise NotFound(doc_id)
        return send_file(path, as_attachment=True, download_name=path.name,
                         mimetype="application/octet-stream")

    @app.get("/glossary")
    def glossary_page() -> str:
        return render_template("glossary.html", entries=kb(app).glossary(clearance()))

    @app.post("/api/tag")
    def tag_api() -> Response:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise QueryError('send JSON like {"text": "..."}')
        return jsonify(tag_text(payload["text"], taxonomy, payload.get("lang")))
