"""The Flask app: factory, thin routes (HTML and JSON), and CLI commands."""
from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import sys
from pathlib import Path
from typing import Any, Mapping

import click
from flask import Flask, Response, jsonify, render_template, request, send_file
from werkzeug.exceptions import HTTPException

from indexer.build import BuildLocked, build_index
from indexer.records import ACTORS, DOC_TYPES, STATEMENT_KINDS, BuildReport, Marking, Taxonomy
from indexer.tagging import classify_type, tag_document, tag_passage
from indexer.taxonomy import default_taxonomy_path, load_taxonomy
from search.documents import DocumentView
from search.errors import IndexDamaged, IndexMissing, NotFound, QueryError
from search.kb import KnowledgeBase
from search.brief_export import brief_docx, brief_markdown
from search.ledger import ledger_csv
from search.query import FACET_LABELS, SORT_LABELS, SORTS, SearchRequest
from search.requests import BriefRequest, LedgerRequest, PrecedentRequest
from web.account_routes import register_account_routes
from web.auth import init_access, note_not_found, viewer
from web.cli import register_cli
from web.recovery import REBUILDING_MESSAGE, IndexRecovery

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Return the configured app; configuration comes from KB_* env vars or `test_config`."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        CORPUS_DIR=str(HERE / "corpus"), INDEX_DIR=str(Path(app.instance_path) / "index"),
        DATA_DIR=app.instance_path, TAXONOMY=str(default_taxonomy_path()), PAGE_SIZE=20,
        QUERY_BUDGET_MS=2000)
    if test_config is None:
        app.config.from_prefixed_env("KB")
    else:
        app.config.update(test_config)
    taxonomy = load_taxonomy(Path(app.config["TAXONOMY"]))
    app.extensions["taxonomy"] = taxonomy
    stores = init_access(app)              # modes, sessions, CSRF, audit (issue 7)
    app.extensions["kb"] = KnowledgeBase(Path(app.config["INDEX_DIR"]), taxonomy,
                                         stores.corrections,
                                         query_budget_s=app.config["QUERY_BUDGET_MS"] / 1000)
    app.extensions["index_recovery"] = IndexRecovery(
        Path(app.config["CORPUS_DIR"]), Path(app.config["INDEX_DIR"]), taxonomy)
    _register_routes(app)
    _register_reading_routes(app)
    _register_precedent_routes(app)
    _register_account_routes(app)
    _register_errors(app)
    _register_cli(app)
    app.after_request(_security_headers)
    return app


def kb(app: Flask) -> KnowledgeBase:
    """Return the app's KnowledgeBase."""
    return app.extensions["kb"]


def current_clearance() -> Marking:
    """Return the viewer's clearance: the only place that decides it.

    Local mode: full access (loopback only). Team mode: the logged-in user's or API token
    owner's clearance. Anyone else, or outside a request: the lowest level.
    """
    return viewer().clearance


def _register_account_routes(app: Flask) -> None:
    """Login, uploads, metadata and tag editing, audit log, and the user CLI (issue 7)."""
    register_account_routes(app, current_clearance)
    register_cli(app)


def _args() -> dict[str, list[str]]:
    return request.args.to_dict(flat=False)


def _register_routes(app: Flask) -> None:
    taxonomy: Taxonomy = app.extensions["taxonomy"]

    @app.get("/")
    def home_page() -> str:
        overview = kb(app).home(current_clearance())
        return render_template("home.html", overview=overview, taxonomy=taxonomy)

    @app.get("/search")
    def search_page() -> str:
        req = SearchRequest.from_args(_args(), taxonomy, app.config["PAGE_SIZE"])
        results = kb(app).search(req, current_clearance())
        return render_template("search.html", req=req, results=results,
                               facet_labels=FACET_LABELS, taxonomy=taxonomy,
                               sort_options=[(s, SORT_LABELS[s]) for s in SORTS])

    @app.get("/api/search")
    def search_api() -> Response:
        req = SearchRequest.from_args(_args(), taxonomy, app.config["PAGE_SIZE"])
        results = kb(app).search(req, current_clearance())
        return jsonify(dataclasses.asdict(results))

    @app.get("/documents/<doc_id>")
    def document_page(doc_id: str) -> str:
        view = kb(app).document(doc_id, current_clearance())
        return render_template("document.html", view=view, taxonomy=taxonomy)

    @app.get("/api/documents/<doc_id>")
    def document_api(doc_id: str) -> Response:
        return jsonify(document_json(kb(app).document(doc_id, current_clearance())))

    @app.get("/documents/<doc_id>/download")
    def document_download(doc_id: str) -> Response:
        view = kb(app).document(doc_id, current_clearance())
        root = Path(app.config["CORPUS_DIR"]).resolve()
        path = (root / view.doc.path).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise NotFound(doc_id)
        return send_file(path, as_attachment=True, download_name=path.name,
                         mimetype="application/octet-stream")

    @app.get("/glossary")
    def glossary_page() -> str:
        return render_template("glossary.html", entries=kb(app).glossary(current_clearance()))

    @app.post("/api/tag")
    def tag_api() -> Response:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise QueryError('send JSON like {"text": "..."}')
        return jsonify(tag_text(payload["text"], taxonomy, payload.get("lang")))



def _register_reading_routes(app: Flask) -> None:
    """Routes for new personnel: line-of-effort and principle pages, reading lists (issue 5)."""
    taxonomy: Taxonomy = app.extensions["taxonomy"]

    @app.get("/loe/<tag_id>")
    def loe_page(tag_id: str) -> str:
        page = kb(app).tag_page("loe", tag_id, current_clearance())
        return render_template("loe.html", page=page, taxonomy=taxonomy)

    @app.get("/principle/<tag_id>")
    def principle_page(tag_id: str) -> str:
        page = kb(app).tag_page("principle", tag_id, current_clearance())
        return render_template("loe.html", page=page, taxonomy=taxonomy)

    @app.get("/api/loe/<tag_id>")
    def loe_api(tag_id: str) -> Response:
        return jsonify(dataclasses.asdict(kb(app).tag_page("loe", tag_id, current_clearance())))

    @app.get("/api/principle/<tag_id>")
    def principle_api(tag_id: str) -> Response:
        page = kb(app).tag_page("principle", tag_id, current_clearance())
        return jsonify(dataclasses.asdict(page))

    @app.get("/reading-list")
    def reading_list_page() -> str:
        lists = kb(app).reading_lists(current_clearance(), request.args.get("loe") or None)
        return render_template("reading_list.html", lists=lists, taxonomy=taxonomy)

    @app.get("/api/reading-list")
    def reading_list_api() -> Response:
        lists = kb(app).reading_lists(current_clearance(), request.args.get("loe") or None)
        return jsonify([dataclasses.asdict(x) for x in lists])

    @app.get("/api/overview")
    def overview_api() -> Response:
        return jsonify(dataclasses.asdict(kb(app).home(current_clearance())))

def document_json(view: DocumentView) -> dict[str, Any]:
    """Return the /api/documents/<id> JSON shape of a document view."""
    doc, meta = view.doc, view.doc.meta

    def tags(group: str) -> list[dict[str, Any]]:
        return [{"id": t.tag, "score": t.score, "evidence": [
            {"passage_id": e.passage_id, "text": e.text, "anchor": e.anchor}
            for e in t.evidence]} for t in view.marked.tags if t.group == group]
    return {
        "id": doc.doc_id, "path": doc.path, "format": doc.fmt, "title": meta.title,
        "date": meta.date, "type": doc.doc_type, "lang": meta.lang, "marking": meta.marking.name,
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
    hits = tag_passage(text, taxonomy, lang)
    doc_tags = tag_document([hits], taxonomy, ["text"])
    out: dict[str, Any] = {"loe": [], "principle": [], "lang": lang,
                           "type": classify_type("", text, taxonomy, lang)}
    chosen = {t.tag for t in doc_tags} | {t.tag for t in hits}
    for t in hits:
        if t.tag in chosen:
            out[t.group].append({"id": t.tag, "score": round(t.score, 3), "evidence": [
                {"text": e.text, "start": e.start, "end": e.end, "cue": e.cue} for e in t.evidence]})
    return out


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_precedent_routes(app: Flask) -> None:
    """Routes for reviewers: precedent finder, commitments ledger, consultation brief (issue 6)."""
    taxonomy: Taxonomy = app.extensions["taxonomy"]
    choices = {"kinds": STATEMENT_KINDS, "types": DOC_TYPES, "actors": ACTORS}

    @app.get("/precedents")
    def precedents_page() -> str:
        req = PrecedentRequest.from_args(_args(), taxonomy)
        results = None if req.is_empty else kb(app).precedents(req, current_clearance())
        return render_template("precedents.html", req=req, results=results, taxonomy=taxonomy,
                               **choices)

    @app.get("/api/precedents")
    def precedents_api() -> Response:
        req = PrecedentRequest.from_args(_args(), taxonomy)
        return jsonify(kb(app).precedents(req, current_clearance()).to_json())

    @app.get("/commitments")
    def commitments_page() -> str:
        req = LedgerRequest.from_args(_args(), taxonomy)
        return render_template("commitments.html", req=req, taxonomy=taxonomy,
                               ledger=kb(app).ledger(req, current_clearance()), **choices)

    @app.get("/commitments.csv")
    def commitments_csv() -> Response:
        ledger = kb(app).ledger(LedgerRequest.from_args(_args(), taxonomy), current_clearance())
        return _download(ledger_csv(ledger, _base_url()), "text/csv", "commitments.csv")

    @app.get("/brief")
    def brief_page() -> str:
        req = _brief_request(taxonomy)
        return render_template("brief.html", req=req, taxonomy=taxonomy,
                               brief=kb(app).brief(req, current_clearance()))

    @app.get("/brief.md")
    def brief_md() -> Response:
        brief = kb(app).brief(_brief_request(taxonomy), current_clearance())
        return _download(brief_markdown(brief, _base_url()), "text/markdown", "brief.md")

    @app.get("/brief.docx")
    def brief_word() -> Response:
        brief = kb(app).brief(_brief_request(taxonomy), current_clearance())
        return _download(brief_docx(brief, _base_url()), DOCX_MIMETYPE, "brief.docx")


DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _brief_request(taxonomy: Taxonomy) -> BriefRequest:
    return BriefRequest.from_args(_args(), taxonomy, datetime.date.today().isoformat())


def _base_url() -> str:
    return request.host_url.rstrip("/")


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    """Return `body` as a file download named `filename`."""
    resp = Response(body, mimetype=mimetype)    # text/* gets "; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


def _register_errors(app: Flask) -> None:
    def answer(status: int, message: str) -> tuple[Response | str, int]:
        if _wants_json():
            return jsonify({"error": message}), status
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(QueryError)
    def query_error(exc: QueryError):
        return answer(400, str(exc))

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        note_not_found(exc)                # audits a document hidden by its marking
        return answer(404, "Not found")

    @app.errorhandler(IndexMissing)
    def index_missing(exc: IndexMissing):
        return answer(503, str(exc))

    @app.errorhandler(IndexDamaged)
    def index_damaged(exc: IndexDamaged):
        app.extensions["index_recovery"].request(str(exc))   # a no-op while one runs
        response, status = answer(503, REBUILDING_MESSAGE)
        return response, status, {"Retry-After": "60"}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return answer(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return answer(500, "Something went wrong on our side; the error was logged.")


def _security_headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):     # pages show what a clearance allows
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp


def _register_cli(app: Flask) -> None:
    @app.cli.command("index")
    @click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder of documents (default: KB_CORPUS_DIR or corpus/).")
    @click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                  default=None, help="Index folder (default: KB_INDEX_DIR or instance/index).")
    @click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in.")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON line.")
    def index_command(corpus: Path | None, index_dir: Path | None, rebuild: bool,
                      as_json: bool) -> None:
        """Index new and changed documents, remove deleted ones."""
        corpus = corpus or Path(app.config["CORPUS_DIR"])
        index_dir = index_dir or Path(app.config["INDEX_DIR"])
        if not corpus.is_dir():
            raise click.ClickException(f"corpus folder {corpus} does not exist")
        try:
            report = _run_build(corpus, index_dir, app.extensions["taxonomy"], rebuild, as_json)
        except BuildLocked as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(json.dumps(report_json(report)) if as_json else report_text(report))

    @app.cli.command("tag")
    @click.argument("source", type=click.File("r", encoding="utf-8"))
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def tag_command(source, as_json: bool) -> None:
        """Print the tags of a text file (or - for stdin) with scores and evidence."""
        result = tag_text(source.read(), app.extensions["taxonomy"])
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=1))
            return
        click.echo(f"type: {result['type']}   lang: {result['lang']}")
        for group in ("loe", "principle"):
            for t in result[group]:
                click.echo(f"{group:9s} {t['id']:28s} {t['score']:6.2f}")
                for e in t["evidence"]:
                    click.echo(f"    [{e['start']}:{e['end']}] {e['cue']!r}: {e['text'][:110]}")


def _run_build(corpus: Path, index_dir: Path, taxonomy: Taxonomy, rebuild: bool,
               quiet: bool) -> BuildReport:
    """Run the build with a progress bar when attached to a terminal."""
    if quiet or not sys.stdout.isatty():
        return build_index(corpus, index_dir, taxonomy, rebuild=rebuild)
    with click.progressbar(length=1, label="Indexing") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)
        return build_index(corpus, index_dir, taxonomy, rebuild=rebuild, progress=progress)


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
