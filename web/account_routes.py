"""Routes for logging in, uploading, editing metadata and tags, and reading the audit log.

Each route reads its form, makes one or two calls into search/ or indexer/, audits the
outcome and renders or redirects. Permission checks are `require_role`; which documents
a viewer may touch is decided by `KnowledgeBase.record(doc_id, clearance)` (404 otherwise).
"""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from flask import (Flask, Response, current_app, flash, jsonify, redirect, render_template, request, session,
                   url_for)
from werkzeug.exceptions import Forbidden, TooManyRequests
from werkzeug.security import check_password_hash

from indexer.errors import ReadError
from indexer.records import DOC_TYPES, IndexedDocument, Marking, Taxonomy
from indexer.uploads import clean_original_name, store_upload, write_sidecar
from search.accounts import Role
from search.admin_views import current_uploads, visible_events
from search.corrections import MarkingChange, TagCorrection
from search.errors import NotFound
from search.kb import KnowledgeBase
from search.uploads import FAILED, UploadRecord
from web.auth import audit, csrf_token, require_role, stores, viewer
from web.forms import MetadataEdit, parse_marking, parse_metadata, parse_tag_edit
from web.indexing import IndexQueue

# A hash to check against when the user does not exist, so both cases take as long.
_DUMMY_HASH = ("scrypt:32768:8:1$7mPv0t3Pq5d8r7Zx$0d5a0b6cbb1f8c1e6f5f4d1e0e6b0a4d3c0b5a8e"
               "9f7e6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392"
               "81706f5e4d3c2b1a09f8e7d6c5b4a3928")
LOGIN_FAILED = "Wrong user name or password."
LOGIN_THROTTLED = "Too many failed attempts. Wait a few minutes and try again."

Clearance = Callable[[], Marking]


@dataclass(frozen=True)
class EditingPanel:
    """What the document page shows editors: tag choices, history and the upload it came from."""

    can_edit: bool
    current: tuple[tuple[str, str, str], ...]      # (group, tag id, label) on the document now
    addable: tuple[tuple[str, str, str], ...]      # taxonomy tags the document does not carry
    tag_history: tuple[TagCorrection, ...]
    marking_history: tuple[MarkingChange, ...]
    upload: UploadRecord | None


def register_account_routes(app: Flask, clearance: Clearance) -> None:
    """Add the login, upload, editing and audit routes; `clearance` is app.current_clearance."""
    app.extensions["index_queue"] = IndexQueue(
        Path(app.config["CORPUS_DIR"]), Path(app.config["INDEX_DIR"]), app.extensions["taxonomy"],
        stores(app).uploads, on_built=app.extensions["kb"].refresh)
    app.before_request(app.extensions["index_queue"].resume_pending)
    _register_login(app)
    _register_uploads(app)
    _register_editing(app, clearance)
    _register_admin(app)
    app.add_template_global(lambda doc: editing_panel(app, doc), "editing_panel")


# --- login ------------------------------------------------------------------------------

def _register_login(app: Flask) -> None:
    @app.route("/login", methods=["GET", "POST"])
    def login_page() -> Response | tuple[str, int] | str:
        next_url = _safe_next(request.values.get("next", ""))
        if request.method == "GET":
            return render_template("login.html", next_url=next_url, message=None)
        name = request.form.get("name", "").strip()[:64]
        user = _check_login(name, request.form.get("password", ""))
        if user is None:
            return render_template("login.html", next_url=next_url, message=LOGIN_FAILED), 401
        session.clear()                                      # a fresh session id at login
        session["sid"] = stores().sessions.create(user)
        csrf_token()
        audit("login", "ok", actor=user)
        return redirect(next_url or url_for("home_page"))

    @app.post("/logout")
    def logout() -> Response:
        sid = session.get("sid")
        if isinstance(sid, str):
            stores().sessions.end(sid)
        if not viewer().is_anonymous:
            audit("logout", "ok")
        session.clear()
        return redirect(url_for("login_page"))


def _check_login(name: str, password: str) -> str | None:
    """Return the user name if the password is right; audit and throttle either way."""
    st = stores()
    address = request.remote_addr or ""
    wait = st.throttle.login_wait(name, address)
    if wait > 0:
        audit("login", "rate-limited", actor=name or "anonymous")
        raise TooManyRequests(LOGIN_THROTTLED, retry_after=math.ceil(wait))
    stored = st.accounts.password_hash(name) if name else None
    is_ok = check_password_hash(stored or _DUMMY_HASH, password) and stored is not None
    if not is_ok:
        st.throttle.record_login_failure(name, address)
        audit("login", "failed", actor=name or "anonymous")
        return None
    st.throttle.login_succeeded(name, address)
    user = st.accounts.get(name)
    return user.name if user else None


def _safe_next(target: str) -> str:
    """Return `target` if it is a path on this site, else "" (no open redirects)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):     # CR/LF: no header splitting
        return ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return ""
    return target


# --- uploads ------------------------------------------------------------------------------

def _register_uploads(app: Flask) -> None:
    corpus = Path(app.config["CORPUS_DIR"])

    @app.get("/uploads")
    def uploads_page() -> str:
        require_role(Role.EDITOR)
        return render_template("upload.html", uploads=_my_uploads(),
                               markings=[m.name for m in Marking], default=Marking.INTERNAL.name,
                               max_mb=app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))

    @app.post("/uploads")
    def upload_files() -> Response:
        require_role(Role.EDITOR)
        marking = parse_marking(request.form.get("marking"))
        files = [f for f in request.files.getlist("files") if f.filename or f.content_length]
        for file in files:
            _store_one(corpus, file.read(), file.filename or "", marking)
        if files:
            app.extensions["index_queue"].request()
        flash(f"{len(files)} file(s) received." if files else "Choose at least one file.")
        return redirect(url_for("uploads_page"))

    @app.get("/api/uploads")
    def uploads_api() -> Response:
        require_role(Role.EDITOR)
        return jsonify([{"id": u.id, "original_name": u.original_name, "status": u.status,
                         "reason": u.reason, "doc_id": u.doc_id, "marking": u.marking.name,
                         "uploaded": u.when} for u in _my_uploads()])


def _store_one(corpus: Path, data: bytes, name: str, marking: Marking) -> None:
    """Store one uploaded file and queue it, or record why it was refused; audit both."""
    st, who = stores(), viewer().name or "anonymous"
    try:
        stored = store_upload(corpus, data, name, marking, {"uploaded_by": who})
    except ReadError as exc:
        st.uploads.add(uuid.uuid4().hex, clean_original_name(name), "", "", marking, who,
                       FAILED, str(exc))
        audit("upload", "denied", detail=f"refused: {exc}")
        return
    st.uploads.add(stored.upload_id, stored.original_name, stored.rel, stored.doc_id, marking, who)
    audit("upload", "queued", doc_id=stored.doc_id, detail=f"{stored.fmt}, {marking.name}")


def _my_uploads() -> tuple[UploadRecord, ...]:
    """Return the viewer's uploads (an admin sees everyone's) visible at their clearance,
    each with its document's current marking."""
    v = viewer()
    return current_uploads(stores().uploads.recent(None if v.is_admin else v.name),
                           current_app.extensions["kb"].marking_of, v.clearance)


# --- editing --------------------------------------------------------------------------------

def _register_editing(app: Flask, clearance: Clearance) -> None:
    taxonomy: Taxonomy = app.extensions["taxonomy"]
    corpus = Path(app.config["CORPUS_DIR"])

    def kb() -> KnowledgeBase:
        return app.extensions["kb"]

    @app.get("/documents/<doc_id>/edit")
    def document_edit_page(doc_id: str) -> str:
        require_role(Role.EDITOR)
        doc = kb().record(doc_id, clearance())
        return render_template("document_edit.html", doc=doc, types=DOC_TYPES,
                               markings=_allowed_markings(doc), taxonomy=taxonomy)

    @app.post("/documents/<doc_id>/edit")
    def document_edit(doc_id: str) -> Response:
        require_role(Role.EDITOR)
        doc = kb().record(doc_id, clearance())
        edit = parse_metadata(request.form)
        if edit.marking is not None and edit.marking < doc.meta.marking \
                and not viewer().is_admin:
            audit("marking", "denied", doc_id=doc_id,
                  detail=f"{doc.meta.marking.name} -> {edit.marking.name}: only an admin may lower")
            raise Forbidden("Only an admin may lower a marking.")
        changed = edit.changed_fields(doc)
        if changed:
            _apply_metadata(app, corpus, doc, edit)
            flash("Saved; the document is being re-indexed.")
        return redirect(url_for("document_page", doc_id=doc_id))

    @app.post("/documents/<doc_id>/tags")
    def tag_correction(doc_id: str) -> Response:
        require_role(Role.EDITOR)
        kb().record(doc_id, clearance())                     # 404 unless visible
        edit = parse_tag_edit(request.form, taxonomy)
        stores().corrections.correct_tag(doc_id, edit.group, edit.tag, edit.action, edit.reason,
                                         viewer().name or "anonymous")
        audit("tag", "ok", doc_id=doc_id, detail=f"{edit.action} {edit.group}:{edit.tag}")
        flash(f"Tag {edit.tag}: {edit.action} recorded.")
        return redirect(url_for("document_page", doc_id=doc_id) + "#tags-h")


def _allowed_markings(doc: IndexedDocument) -> list[str]:
    """Return the markings the viewer may choose for `doc` (editors cannot lower it)."""
    floor = Marking.PUBLIC if viewer().is_admin else doc.meta.marking
    return [m.name for m in Marking if m >= floor]


def _apply_metadata(app: Flask, corpus: Path, doc: IndexedDocument, edit: MetadataEdit) -> None:
    """Write the edit to the document's sidecar, record a marking change, queue re-indexing."""
    root = corpus.resolve()
    path = (root / doc.path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound(doc.doc_id)
    who = viewer().name or "anonymous"
    if edit.marking is not None and edit.marking != doc.meta.marking:
        stores().corrections.change_marking(doc.doc_id, doc.meta.marking, edit.marking,
                                            edit.reason, who)
        audit("marking", "ok", doc_id=doc.doc_id,
              detail=f"{doc.meta.marking.name} -> {edit.marking.name}")
    write_sidecar(path, edit.sidecar_values(doc))
    fields = [f for f in edit.changed_fields(doc) if f != "marking"]
    if fields:
        audit("metadata", "ok", doc_id=doc.doc_id, detail="changed " + ", ".join(fields))
    app.extensions["index_queue"].request()


def editing_panel(app: Flask, doc: IndexedDocument) -> EditingPanel:
    """Return the editing panel of a document the viewer is already allowed to see."""
    taxonomy: Taxonomy = app.extensions["taxonomy"]
    st = stores(app)
    on_doc = {(t.group, t.tag) for t in doc.tags}
    every = [(g, t.id, t.name) for g in ("loe", "principle") for t in taxonomy.group(g)]
    return EditingPanel(
        can_edit=viewer().can_edit,
        current=tuple(x for x in every if (x[0], x[1]) in on_doc),
        addable=tuple(x for x in every if (x[0], x[1]) not in on_doc),
        tag_history=st.corrections.tag_history(doc.doc_id),
        marking_history=st.corrections.marking_history(doc.doc_id),
        upload=next(iter(current_uploads(                   # with the marking it has now
            filter(None, [st.uploads.for_document(doc.doc_id)]),
            lambda _: doc.meta.marking, doc.meta.marking)), None))


# --- admin --------------------------------------------------------------------------------

def _register_admin(app: Flask) -> None:
    @app.get("/admin/audit")
    def admin_audit_page() -> str:
        require_role(Role.ADMIN)
        action = request.args.get("action") or None
        actor = request.args.get("actor") or None
        events = visible_events(stores().audit.recent(500, action=action, actor=actor),
                                app.extensions["kb"].marking_of, stores().uploads.recent(limit=1000),
                                viewer().clearance)
        return render_template("admin_audit.html", events=events, action=action, actor=actor)

    @app.get("/admin/users")
    def admin_users_page() -> str:
        require_role(Role.ADMIN)
        return render_template("admin_users.html", users=stores().accounts.users())
