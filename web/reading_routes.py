"""Routes for new personnel: line-of-effort and principle pages, reading lists (issue 5)."""
from __future__ import annotations

import dataclasses

from flask import Flask, Response, jsonify, render_template, request

from indexer.records import Taxonomy
from web.context import Clearance, kb


def register_reading_routes(app: Flask, clearance: Clearance) -> None:
    """Add the tag pages, reading lists and overview API; `clearance` is app.current_clearance."""
    taxonomy: Taxonomy = app.extensions["taxonomy"]

    @app.get("/loe")
    def loe_index_page() -> str:
        return render_template("tags_index.html", overview=kb(app).home(clearance()),
                               taxonomy=taxonomy)

    @app.get("/loe/<tag_id>")
    def loe_page(tag_id: str) -> str:
        page = kb(app).tag_page("loe", tag_id, clearance())
        return render_template("loe.html", page=page, taxonomy=taxonomy)

    @app.get("/principle/<tag_id>")
    def principle_page(tag_id: str) -> str:
        page = kb(app).tag_page("principle", tag_id, clearance())
        return render_template("loe.html", page=page, taxonomy=taxonomy)

    @app.get("/api/loe/<tag_id>")
    def loe_api(tag_id: str) -> Response:
        return jsonify(dataclasses.asdict(kb(app).tag_page("loe", tag_id, clearance())))

    @app.get("/api/principle/<tag_id>")
    def principle_api(tag_id: str) -> Response:
        page = kb(app).tag_page("principle", tag_id, clearance())
        return jsonify(dataclasses.asdict(page))

    @app.get("/reading-list")
    def reading_list_page() -> str:
        lists = kb(app).reading_lists(clearance(), request.args.get("loe") or None)
        return render_template("reading_list.html", lists=lists, taxonomy=taxonomy)

    @app.get("/api/reading-list")
    def reading_list_api() -> Response:
        lists = kb(app).reading_lists(clearance(), request.args.get("loe") or None)
        return jsonify([dataclasses.asdict(x) for x in lists])

    @app.get("/api/overview")
    def overview_api() -> Response:
        return jsonify(dataclasses.asdict(kb(app).home(clearance())))
