"""Routes for reviewers: precedent finder, commitments ledger, consultation brief (issue 6)."""
from __future__ import annotations

import datetime

from flask import Flask, Response, jsonify, render_template, request

from indexer.records import ACTORS, DOC_TYPES, STATEMENT_KINDS, Taxonomy
from search.brief_export import brief_docx, brief_markdown
from search.ledger import ledger_csv
from search.requests import BriefRequest, LedgerRequest, PrecedentRequest
from web.context import Clearance, kb, query_args

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def register_precedent_routes(app: Flask, clearance: Clearance) -> None:
    """Add the precedent, ledger and brief routes; `clearance` is app.current_clearance."""
    taxonomy: Taxonomy = app.extensions["taxonomy"]
    choices = {"kinds": STATEMENT_KINDS, "types": DOC_TYPES, "actors": ACTORS}

    @app.get("/precedents")
    def precedents_page() -> str:
        req = PrecedentRequest.from_args(query_args(), taxonomy)
        results = None if req.is_empty else kb(app).precedents(req, clearance())
        return render_template("precedents.html", req=req, results=results, taxonomy=taxonomy,
                               base_url=_base_url(), **choices)

    @app.get("/api/precedents")
    def precedents_api() -> Response:
        req = PrecedentRequest.from_args(query_args(), taxonomy)
        return jsonify(kb(app).precedents(req, clearance()).to_json(_base_url()))

    @app.get("/commitments")
    def commitments_page() -> str:
        req = _ledger_request(taxonomy)
        return render_template("commitments.html", req=req, taxonomy=taxonomy,
                               ledger=kb(app).ledger(req, clearance()), **choices)

    @app.get("/commitments.csv")
    def commitments_csv() -> Response:
        ledger = kb(app).ledger(_ledger_request(taxonomy), clearance())
        return _download(ledger_csv(ledger, _base_url()), "text/csv", "commitments.csv")

    @app.get("/brief")
    def brief_page() -> str:
        req = _brief_request(taxonomy)
        return render_template("brief.html", req=req, taxonomy=taxonomy,
                               brief=kb(app).brief(req, clearance()))

    @app.get("/brief.md")
    def brief_md() -> Response:
        brief = kb(app).brief(_brief_request(taxonomy), clearance())
        return _download(brief_markdown(brief, _base_url()), "text/markdown", "brief.md")

    @app.get("/brief.docx")
    def brief_word() -> Response:
        brief = kb(app).brief(_brief_request(taxonomy), clearance())
        return _download(brief_docx(brief, _base_url()), DOCX_MIMETYPE, "brief.docx")


def _ledger_request(taxonomy: Taxonomy) -> LedgerRequest:
    return LedgerRequest.from_args(query_args(), taxonomy, datetime.date.today().isoformat())


def _brief_request(taxonomy: Taxonomy) -> BriefRequest:
    return BriefRequest.from_args(query_args(), taxonomy, datetime.date.today().isoformat())


def _base_url() -> str:
    return request.host_url.rstrip("/")


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    """Return `body` as a file download named `filename`."""
    resp = Response(body, mimetype=mimetype)    # text/* gets "; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp
