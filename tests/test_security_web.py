"""Issue 15 over HTTP: admin views at the admin's clearance, no silent downgrades, exports,
errors, the local-mode Host check and proxies, throttling."""
from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from indexer.records import Marking
from search.accounts import Role
from tests.access_helpers import CANARY_ID, PASSWORD, csrf_of
from tests.test_access import (built_copy, client_for, edit_app, settle, team_app,  # noqa: F401
                               upload)


def _add(app, name: str, role: Role, clearance: Marking) -> None:
    app.extensions["stores"].accounts.add(
        name, generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"), role, clearance)


def _post_edit(client, doc_id: str, **fields):
    token = csrf_of(client, f"/documents/{doc_id}/edit")
    return client.post(f"/documents/{doc_id}/edit",
                       data={"csrf_token": token, "reason": "typo", **fields})


# --- admin views filtered by the admin's own clearance ---------------------------------------

def test_an_internal_admin_sees_no_restricted_upload_or_audit_entry(edit_app):
    _add(edit_app, "admin_int", Role.ADMIN, Marking.INTERNAL)
    admin = client_for(edit_app, "admin")
    text = b"# Vortigaunt survey\n\nThe vortigaunt survey stays restricted.\n"
    assert upload(admin, [(text, "vortigaunt-secret.md")], marking="RESTRICTED").status_code == 302
    settle(edit_app)
    [rec] = edit_app.extensions["stores"].uploads.recent()
    res = client_for(edit_app, "res")
    with res.get(f"/documents/{CANARY_ID}/download") as download:      # an export event
        assert download.status_code == 200
    assert client_for(edit_app, "pub").get(f"/documents/{CANARY_ID}").status_code == 404
    low = client_for(edit_app, "admin_int")
    assert low.get("/api/uploads").get_json() == []
    for path in ("/uploads", "/admin/audit", "/admin/audit?action=export",
                 "/admin/audit?action=upload", "/admin/audit?action=access"):
        page = low.get(path).get_data(as_text=True)
        for secret in ("vortigaunt", rec.doc_id, CANARY_ID):
            assert secret not in page, (path, secret)
    full = client_for(edit_app, "admin").get("/admin/audit").get_data(as_text=True)
    assert rec.doc_id in full and CANARY_ID in full
    assert [u["doc_id"] for u in admin.get("/api/uploads").get_json()] == [rec.doc_id]


def test_uploads_list_shows_the_marking_a_document_has_now(edit_app):
    editor, admin = client_for(edit_app, "editor"), client_for(edit_app, "admin")
    text = b"# Basilisk stores\n\nThe basilisk stores were counted twice.\n"
    assert upload(editor, [(text, "basilisk.md")], marking="INTERNAL").status_code == 302
    settle(edit_app)
    [rec] = edit_app.extensions["stores"].uploads.recent()
    assert _post_edit(admin, rec.doc_id, marking="RESTRICTED").status_code == 302
    assert [u["marking"] for u in admin.get("/api/uploads").get_json()] == ["RESTRICTED"]
    assert editor.get("/api/uploads").get_json() == []      # above the editor's clearance now


# --- an absent form field never changes a value -------------------------------------------------

def test_a_title_fix_without_a_marking_field_keeps_a_restricted_marking(edit_app):
    admin = client_for(edit_app, "admin")
    assert _post_edit(admin, CANARY_ID, title="Audit of sustainment stocks, corrected"
                      ).status_code == 302
    settle(edit_app)
    data = admin.get(f"/api/documents/{CANARY_ID}").get_json()
    assert data["marking"] == "RESTRICTED"
    assert client_for(edit_app, "int").get(f"/api/documents/{CANARY_ID}").status_code == 404
    assert edit_app.extensions["stores"].audit.recent(action="marking") == ()
    sidecar = Path(edit_app.config["CORPUS_DIR"]) / f"{CANARY_ID}.meta.yaml"
    assert "INTERNAL" not in sidecar.read_text(encoding="utf-8")
