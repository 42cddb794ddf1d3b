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


# --- exports -----------------------------------------------------------------------------------

def test_csv_cells_cannot_start_a_formula():
    from search.ledger import csv_cell
    for text in ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("The partners will deliver") == "The partners will deliver"
    assert csv_cell(12) == "12"


def test_commitments_csv_quotes_every_cell(client):
    import csv
    import io
    body = client.get("/commitments.csv").get_data(as_text=True)
    first = body.splitlines()[0]
    assert first.startswith('"date","kind"')
    rows = list(csv.reader(io.StringIO(body)))
    assert all(not c[:1] or c[:1] not in "=+-@" for row in rows for c in row)


def test_markdown_brief_escapes_html():
    from search.brief_export import _item_markdown, _md
    assert _md('<script>alert(1)</script> & <img src=x onerror=y>') == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;")
    assert "<" not in _md("a <b>bold</b> claim") and "*" not in _md("*x*").replace("\\*", "")


def test_downloads_are_no_store(client):
    for path in ("/commitments.csv", "/brief.md", "/documents/mjc-founding-note.md/download"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["Cache-Control"] == "no-store", path
        resp.close()


# --- errors ----------------------------------------------------------------------------------

def test_cr_lf_in_next_is_dropped_not_a_server_error(team_app):
    client = team_app.test_client()
    for target in ("/search%0d%0aSet-Cookie:%20x=1", "/%0aevil", "/ok%09tab"):
        assert client.get(f"/login?next={target}").status_code == 200
        token = csrf_of(client)
        resp = client.post(f"/login?next={target}",
                           data={"csrf_token": token, "name": "pub", "password": PASSWORD})
        assert resp.status_code == 302 and "\n" not in resp.headers["Location"]
        assert resp.headers["Location"].endswith("/")


def test_fielded_phrase_is_a_title_phrase(kb):
    from search.query import SearchRequest
    res = kb.search(SearchRequest(text='title:"founding note"'), Marking.RESTRICTED)
    assert [h.id for h in res.hits] == ["mjc-founding-note.md"]
    assert kb.search(SearchRequest(text='title:"note founding"'), Marking.RESTRICTED).total == 0


# --- local mode: loopback Host names only, no proxies ---------------------------------------------

@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:8080", "[::1]:5000"])
def test_local_mode_answers_loopback_host_names(client, host):
    assert client.get("/api/overview", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["rebind.example.com", "rebind.example.com:5000",
                                  "127.0.0.1.nip.io", "localhost.evil.test:80", "10.0.0.5"])
def test_local_mode_refuses_other_host_names(client, app, host):
    resp = client.get("/api/overview", headers={"Host": host})
    assert resp.status_code == 403
    events = app.extensions["stores"].audit.recent(action="access")
    assert events[0].decision == "denied" and "Host" in events[0].detail


@pytest.mark.parametrize("header", ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
                                    "X-Real-IP"])
def test_local_mode_refuses_forwarded_requests(client, header):
    assert client.get("/api/overview", headers={header: "203.0.113.9"}).status_code == 403


def test_team_mode_behind_a_proxy_reads_the_client_address(index_dir, tmp_path):
    from app import create_app
    from tests.access_helpers import add_users, login
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DATA_DIR": str(tmp_path),
                      "AUTH": "on", "PROXY_HOPS": 1})
    add_users(app)
    client = app.test_client()
    token = csrf_of(client)
    client.post("/login", data={"csrf_token": token, "name": "pub", "password": "wrong"},
                headers={"X-Forwarded-For": "203.0.113.7"})
    [event] = app.extensions["stores"].audit.recent(action="login")
    assert event.address == "203.0.113.7"
    local = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                        "DATA_DIR": str(tmp_path / "local"), "PROXY_HOPS": 1})
    assert local.test_client().get("/api/overview").status_code == 403


# --- one settings table, validated at start-up ------------------------------------------------

@pytest.mark.parametrize("name, value", [("AUTH", "required"), ("AUTH", "enabled"),
                                         ("IDLE_MINUTES", "soon"), ("PROXY_HOPS", "-1"),
                                         ("LOGIN_LIMIT", "0"), ("QUERY_BUDGET_MS", "fast"),
                                         ("MAX_CONTENT_LENGTH", "big")])
def test_an_unknown_setting_value_stops_the_start(index_dir, tmp_path, monkeypatch, name, value):
    from app import create_app
    from web.settings import SettingError
    monkeypatch.setenv(f"KB_{name}", value)
    monkeypatch.setenv("KB_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path))
    with pytest.raises(SettingError) as err:
        create_app()
    assert f"KB_{name}" in err.value.message and value in err.value.message


@pytest.mark.parametrize("value, team", [("on", True), ("yes", True), ("off", False), ("", False)])
def test_auth_switch_values(index_dir, tmp_path, monkeypatch, value, team):
    from app import create_app
    from web.auth import is_team_mode
    monkeypatch.setenv("KB_AUTH", value)
    monkeypatch.setenv("KB_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path))
    assert is_team_mode(create_app()) is team


def test_readme_configuration_table_lists_exactly_the_settings():
    import re
    from web.settings import SETTINGS
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `KB_([A-Z_]+)` \|", section, flags=re.M)
    assert sorted(listed) == sorted(s.name for s in SETTINGS)
    assert len(listed) == len(set(listed))


# --- throttling: per account and address, a global back-off, failed tokens ----------------------

def test_failures_from_other_addresses_do_not_lock_a_user_out(team_app):
    from tests.access_helpers import login
    for i in range(5):
        assert login(team_app.test_client(), "res", "wrong password!",
                     f"198.51.100.{i}").status_code == 401
    assert login(team_app.test_client(), "res").status_code == 302    # from the user's address
    for _ in range(5):
        login(team_app.test_client(), "int", "wrong password!", "198.51.100.50")
    assert login(team_app.test_client(), "int", address="198.51.100.50").status_code == 429
    assert login(team_app.test_client(), "int").status_code == 302


def test_an_accounts_failures_from_everywhere_back_off(team_app):
    from tests.access_helpers import login
    for i in range(10):                              # KB_LOGIN_ACCOUNT_LIMIT, all addresses
        login(team_app.test_client(), "res", "wrong password!", f"198.51.100.{i}")
    slowed = login(team_app.test_client(), "res", "wrong password!", "198.51.100.77")
    assert slowed.status_code == 429
    events = team_app.extensions["stores"].audit.recent(action="login")
    assert events[0].decision == "rate-limited" and events[0].actor == "res"
    assert login(team_app.test_client(), "pub").status_code == 302     # other accounts: fine


def test_failed_api_tokens_are_throttled_per_address_and_audited(team_app):
    client = team_app.test_client()
    for _ in range(20):
        assert client.get("/api/search?q=x", headers={"Authorization": "Bearer nope"},
                          environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 401
    assert client.get("/api/search?q=x", headers={"Authorization": "Bearer nope"},
                      environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 429
    assert client.get("/api/search?q=x", headers={"Authorization": "Bearer nope"},
                      environ_base={"REMOTE_ADDR": "198.51.100.10"}).status_code == 401
    events = team_app.extensions["stores"].audit.recent(action="access")
    assert events[1].decision == "rate-limited"


# --- hidden and missing ids: the same work on the response path --------------------------------

def test_the_hidden_audit_is_written_after_the_response(team_app, monkeypatch):
    from flask import has_request_context
    from search.audit import AuditLog
    seen = []
    original = AuditLog.record

    def spy(self, actor, action, decision, *args, **kwargs):
        if decision == "hidden":
            seen.append(has_request_context())
        return original(self, actor, action, decision, *args, **kwargs)
    monkeypatch.setattr(AuditLog, "record", spy)
    client = client_for(team_app, "pub")
    hidden = client.get(f"/documents/{CANARY_ID}")
    missing = client.get("/documents/no-such-document.pdf")
    assert hidden.status_code == missing.status_code == 404
    hidden.close()
    assert seen == [False]
    events = team_app.extensions["stores"].audit.recent(action="access")
    assert [(e.actor, e.doc_id) for e in events if e.decision == "hidden"] == [("pub", CANARY_ID)]


def test_settings_are_parsed_once_and_frozen(index_dir, tmp_path):
    from app import create_app
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DATA_DIR": str(tmp_path),
                      "AUTH": "yes", "IDLE_MINUTES": "45"})
    settings = app.extensions["settings"]
    assert (settings["AUTH"], settings["IDLE_MINUTES"], app.config["AUTH"]) == (True, 45, True)
    with pytest.raises(TypeError):
        settings.values["AUTH"] = False
