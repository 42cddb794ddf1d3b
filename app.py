"""The Flask app: factory, configuration, error handlers, security headers and CLI commands.

The routes live in web/ (`register_*_routes(app, current_clearance)`): search_routes,
reading_routes, precedent_routes and account_routes; each reads its input, makes one call
into search/ at `current_clearance()` and renders or returns JSON.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, Mapping

import click
from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.build import BuildLocked, BuildRefused, build_index
from indexer.records import BuildReport, Marking, Taxonomy
from indexer.learning.bundle import attach_models
from indexer.learning.modelfile import ModelError
from indexer.taxonomy import load_taxonomy
from search.engine import BUSY_MESSAGE
from search.errors import IndexBusy, IndexDamaged, IndexMissing, NotFound, QueryError
from search.kb import KnowledgeBase
from web.account_routes import register_account_routes
from web.auth import init_access, note_not_found, viewer
from web.cli import register_cli
from web.context import kb
from web.precedent_routes import register_precedent_routes
from web.reading_routes import register_reading_routes
from web.recovery import REBUILDING_MESSAGE, IndexRecovery
from web.search_routes import register_search_routes
from web.settings import defaults as setting_defaults, load_settings
from web.shaping import document_json, report_json, report_text, tag_text
from web.training import is_train_invocation

__all__ = ["create_app", "current_clearance", "kb",
           "document_json", "report_json", "report_text", "tag_text"]

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Return the configured app; configuration comes from KB_* env vars or `test_config`."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(setting_defaults(app.instance_path))    # web/settings.py: one table
    if test_config is None:
        app.config.from_prefixed_env("KB")
    else:
        app.config.update(test_config)
    settings = load_settings(app.config)        # a refused value stops the start
    app.config.update(settings.values)
    app.extensions["settings"] = settings
    taxonomy = _knowledge(Path(app.config["TAXONOMY"]), Path(app.config["MODELS_DIR"]))
    app.extensions["taxonomy"] = taxonomy
    stores = init_access(app)              # modes, sessions, CSRF, audit (issue 7)
    app.extensions["kb"] = KnowledgeBase(Path(app.config["INDEX_DIR"]), taxonomy,
                                         stores.corrections,
                                         query_budget_s=app.config["QUERY_BUDGET_MS"] / 1000)
    app.extensions["index_recovery"] = IndexRecovery(
        Path(app.config["CORPUS_DIR"]), Path(app.config["INDEX_DIR"]), taxonomy)
    register_search_routes(app, current_clearance)
    register_reading_routes(app, current_clearance)         # issue 5
    register_precedent_routes(app, current_clearance)       # issue 6
    register_account_routes(app, current_clearance)         # login, uploads, editing (issue 7)
    register_cli(app)                                       # user and serve commands (issue 7)
    _register_errors(app)
    _register_cli(app)
    app.after_request(_security_headers)
    return app


def current_clearance() -> Marking:
    """Return the viewer's clearance: the only place that decides it.

    Local mode: full access (loopback only). Team mode: the logged-in user's or API token
    owner's clearance. Anyone else, or outside a request: the lowest level.
    """
    return viewer().clearance


def _wants_json() -> bool:
    return request.path.startswith("/api/")


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
        # a no-op while one runs here; one at a time across processes (web/recovery.py)
        app.extensions["index_recovery"].request(str(exc), exc.generation)
        response, status = answer(503, REBUILDING_MESSAGE)
        return response, status, {"Retry-After": "60"}

    @app.errorhandler(IndexBusy)
    def index_busy(exc: IndexBusy):
        log.warning("index busy on %s: %s", request.path, exc)     # not damage: no rebuild
        response, status = answer(503, BUSY_MESSAGE)
        return response, status, {"Retry-After": "5"}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return answer(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        log.exception("unhandled error on %s", request.path)
        return answer(500, "Something went wrong on our side; the error was logged.")


def _knowledge(taxonomy_path: Path, models_dir: Path) -> Taxonomy:
    """Return the taxonomy with its models; a model that does not match it stops the start
    (ModelError says what differs), except for `flask train`, which is how it is mended."""
    taxonomy = load_taxonomy(taxonomy_path)
    try:
        return attach_models(taxonomy, models_dir)
    except ModelError:
        if is_train_invocation(sys.argv):
            return taxonomy
        raise


def _security_headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                            "form-action 'self'")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):     # pages show what a clearance allows
        resp.headers["Cache-Control"] = "no-store"  # downloads too (send_file says no-cache)
    return resp


def _register_cli(app: Flask) -> None:
    @app.cli.command("index")
    @click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder of documents (default: KB_CORPUS_DIR or corpus/).")
    @click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                  default=None, help="Index folder (default: KB_INDEX_DIR or instance/index).")
    @click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in.")
    @click.option("--force", is_flag=True,
                  help="Build even if the corpus folder is empty or missing, or if the build "
                       "would remove or fail more than half of the indexed documents.")
    @click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON line.")
    def index_command(corpus: Path | None, index_dir: Path | None, rebuild: bool, force: bool,
                      as_json: bool) -> None:
        """Index new and changed documents, remove deleted ones."""
        corpus = corpus or Path(app.config["CORPUS_DIR"])
        index_dir = index_dir or Path(app.config["INDEX_DIR"])
        try:
            report = _run_build(corpus, index_dir, app.extensions["taxonomy"], rebuild, as_json,
                                force)
        except (BuildLocked, BuildRefused) as exc:
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
               quiet: bool, force: bool = False) -> BuildReport:
    """Run the build with a progress bar when attached to a terminal."""
    if quiet or not sys.stdout.isatty():
        return build_index(corpus, index_dir, taxonomy, rebuild=rebuild, force=force)
    with click.progressbar(length=1, label="Indexing") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)
        return build_index(corpus, index_dir, taxonomy, rebuild=rebuild, progress=progress,
                           force=force)
