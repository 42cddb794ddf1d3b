"""Access control, editing and audit (issue 7): the canary matrix, modes, sessions, CSRF,
headers, rate limits, uploads, tag corrections and marking changes."""
from __future__ import annotations

import io
import re
import shutil
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote_plus

import click
import pytest
import yaml

from app import create_app
from indexer.build import build_index
from indexer.records import Marking
from search.query import SearchRequest
from tests.access_helpers import (CANARIES, CANARY_ID, PASSWORD, USERS, add_users, csrf_of,
                                  login, writable_copy)
from tests.conftest import TEST_CORPUS
from web.auth import LOCAL_ONLY, UnsafeBind, bind_problem, stores

MISSING_ID = "no-such-document.pdf"
# Query strings every GET route is asked with: the canary word, acronym and organization as
# search text and precedent text, and a typo of the canary word (for "did you mean").
VARIANTS = ("", "q=zanzibarite&text=zanzibarite", "q=QHP&text=QHP",
            "q=Canary+Logistics+Directorate&text=Canary+Logistics+Directorate", "q=zanzibarit")
SECRETS = (*CANARIES, "Quiet Harbor Protocol", "Audit of Sustainment Stocks", CANARY_ID)
# Routes the matrix does not walk, and why.
NOT_READ_PATHS = {"static", "login_page", "logout"}


@pytest.fixture
def team_app(index_dir, tmp_path, taxonomy):
    """The app in team mode over the session index, with the users of USERS."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(TEST_CORPUS),
                      "DATA_DIR": str(tmp_path / "data")})
    add_users(app)
    return app


def client_for(app, name: str | None):
    """Return a test client logged in as `name` (None: anonymous)."""
    client = app.test_client()
    if name is not None:
        assert login(client, name).status_code == 302
    return client


def _text_of(resp) -> str:
    """Return a response's text; a .docx download is unzipped to its XML."""
    data = resp.get_data()
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return data.decode("utf-8", "replace")


def _read_urls(app, taxonomy) -> list[str]:
    """Return a URL for every GET route and path value, with every query variant."""
    tags = [t.id for g in ("loe", "principle") for t in taxonomy.group(g)]
    values = {"doc_id": [CANARY_ID, MISSING_ID], "tag_id": tags}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_READ_PATHS:
            continue
        unknown = set(rule.arguments) - values.keys()
        assert not unknown, f"canary matrix: give values for {unknown} of new route {rule.rule}"
        paths = [rule.rule]
        for arg in rule.arguments:
            paths = [p.replace(f"<{arg}>", v) for p in paths for v in values[arg]]
        for i, path in enumerate(paths):
            urls += [path + ("?" + v if v else "") for v in (VARIANTS if i < 2 else ("",))]
    return urls


def _leaks(url: str, text: str) -> list[str]:
    """Return the canary strings in `text`, except those the URL itself asked for (echoes)."""
    asked = unquote_plus(url)
    return [s for s in SECRETS if s not in asked and s in text]


def test_canary_appears_only_for_restricted_viewers(team_app, taxonomy):
    """Every read path and JSON endpoint, for anonymous, PUBLIC, INTERNAL and RESTRICTED
    viewers: below RESTRICTED no canary word, organization, acronym, long form, title or id
    appears anywhere (hits, counts, facets, suggestions, snippets, glossary, similar, exports)."""
    urls = _read_urls(team_app, taxonomy)
    assert len(urls) > 40
    for name in (None, "pub", "int", "res"):
        client = client_for(team_app, name)
        leaks: dict[str, list[str]] = {}
        for url in urls:
            resp = client.get(url)
            assert resp.status_code < 500, (name, url, resp.status_code)
            if name is None:
                assert resp.status_code in (302, 401), url
            leaks[url] = _leaks(url, _text_of(resp))
            resp.close()                        # downloads hold their file open until closed
        found = {s for found in leaks.values() for s in found}
        if name == "res":
            assert found == set(SECRETS), set(SECRETS) - found
            assert CANARY_ID in leaks["/api/search?q=zanzibarite&text=zanzibarite"]
            assert "Quiet Harbor Protocol" in leaks["/glossary"]
        else:
            assert found == set(), (name, {u: x for u, x in leaks.items() if x})
    for name in ("pub", "int"):
        client = client_for(team_app, name)
        assert client.get("/api/search?q=zanzibarite").get_json()["total"] == 0
        assert client.get("/api/search?q=zanzibarit").get_json()["suggestion"] is None
        assert client.get("/api/search?q=QHP").get_json()["expanded"] == []


@pytest.mark.parametrize("name", ["pub", "int"])
def test_hidden_document_answers_exactly_like_a_missing_one(team_app, name):
    client = client_for(team_app, name)
    for pattern in ("/documents/{}", "/api/documents/{}", "/documents/{}/download",
                    "/documents/{}/edit"):
        hidden = client.get(pattern.format(CANARY_ID))
        missing = client.get(pattern.format(MISSING_ID))
        assert hidden.status_code == missing.status_code and hidden.status_code in (403, 404)
        assert (hidden.get_data().replace(CANARY_ID.encode(), b"ID")
                == missing.get_data().replace(MISSING_ID.encode(), b"ID")), pattern


def test_hidden_document_request_is_audited_without_its_text(team_app):
    client = client_for(team_app, "pub")
    client.get(f"/documents/{CANARY_ID}").close()   # written once sent: a server closes it
    client.get(f"/documents/{MISSING_ID}").close()
    events = team_app.extensions["stores"].audit.recent(action="access")
    hidden = [e for e in events if e.decision == "hidden"]
    assert [(e.actor, e.doc_id) for e in hidden] == [("pub", CANARY_ID)]
    assert not any(c in e.detail for e in events for c in CANARIES)


def test_anonymous_team_mode_redirects_pages_and_refuses_the_api(team_app):
    client = team_app.test_client()
    page = client.get("/search?q=x")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    api = client.get("/api/search?q=x")
    assert api.status_code == 401 and api.get_json()["error"].startswith("login required")
    assert client.get("/login").status_code == 200
    with client.get("/static/app.css") as static:
        assert static.status_code == 200
    assert client.get("/no-such-page").status_code == 302      # routes are not revealed


# --- modes ----------------------------------------------------------------------------

def test_local_mode_is_the_default_and_shows_its_banner(client):
    html = client.get("/").get_data(as_text=True)
    assert "data-local-mode" in html
    assert client.get(f"/documents/{CANARY_ID}").status_code == 200


def test_local_mode_refuses_requests_from_other_machines(client):
    resp = client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert resp.status_code == 403 and LOCAL_ONLY in resp.get_data(as_text=True)


def test_any_user_switches_to_team_mode(app):
    assert app.test_client().get("/").status_code == 200
    add_users(app, {"solo": USERS["pub"]})
    assert app.test_client().get("/").status_code == 302


@pytest.mark.parametrize("host, team, debug, refused", [
    ("127.0.0.1", False, False, False), ("localhost", False, False, False),
    ("::1", False, False, False), ("::ffff:127.0.0.1", False, False, False),
    ("127.0.0.2", False, False, False), ("0.0.0.0", False, False, True), ("10.0.0.5", False, False, True),
    ("0.0.0.0", True, False, False), ("0.0.0.0", True, True, True), ("[::]", False, False, True),
])
def test_bind_rules(host, team, debug, refused):
    problem = bind_problem(host, team, debug)
    assert (problem is not None) == refused
    if refused and not debug:
        assert "team mode" in problem and "user add" in problem


def test_flask_run_on_a_public_host_refuses_to_start_in_local_mode(index_dir, tmp_path):
    config = {"TESTING": True, "INDEX_DIR": str(index_dir), "DATA_DIR": str(tmp_path)}
    ctx = click.Context(click.Command("run"), info_name="run")
    ctx.params["host"] = "0.0.0.0"
    with ctx, pytest.raises(UnsafeBind, match="team mode"):
        create_app(config)
    with ctx:
        assert create_app({**config, "AUTH": "on"})
    ctx.params["host"] = "127.0.0.1"
    with ctx:
        assert create_app(config)
    with pytest.raises(UnsafeBind):
        create_app({**config, "SERVER_HOST": "192.168.1.10"})


def test_serve_command_refuses_a_public_host_in_local_mode(runner):
    result = runner.invoke(args=["serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0 and "team mode" in result.output


# --- sessions, tokens, rate limit ---------------------------------------------------------

def test_login_rotates_the_session_and_sets_safe_cookie_flags(team_app):
    client = team_app.test_client()
    csrf_of(client)
    before = client.get_cookie("kb_session").value
    resp = login(client, "int")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get_cookie("kb_session").value != before
    with client.session_transaction() as sess:
        assert "sid" in sess
    secure = team_app.test_client()
    resp = secure.get("/login", base_url="https://kb.example")
    assert "Secure" in resp.headers["Set-Cookie"]


def test_logout_ends_the_session_on_the_server(team_app):
    client = client_for(team_app, "int")
    stolen = client.get_cookie("kb_session").value
    token = csrf_of(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = team_app.test_client()
    replay.set_cookie("kb_session", stolen)
    assert replay.get("/").status_code == 302


def test_idle_session_expires(index_dir, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DATA_DIR": str(tmp_path),
                      "IDLE_MINUTES": 0.02})
    now = [time.time()]
    stores(app).sessions.clock = lambda: now[0]      # an injected clock, not a sleep
    add_users(app, {"int": USERS["int"]})
    client = client_for(app, "int")
    assert client.get("/").status_code == 200
    now[0] += 1.0                                    # idle limit: 0.02 min = 1.2 s
    assert client.get("/").status_code == 200
    now[0] += 0.3
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(team_app):
    a = login(team_app.test_client(), "int", "wrong password!")
    b = login(team_app.test_client(), "nobody", "wrong password!")
    assert a.status_code == b.status_code == 401
    assert a.get_data(as_text=True).count("Wrong user name or password.") == 1
    assert re.sub(r'value="[^"]*"', "", a.get_data(as_text=True)) == \
        re.sub(r'value="[^"]*"', "", b.get_data(as_text=True))
    events = team_app.extensions["stores"].audit.recent(action="login")
    assert {(e.actor, e.decision) for e in events} == {("int", "failed"), ("nobody", "failed")}


def test_login_is_rate_limited_per_account_and_address(team_app):
    for i in range(5):          # from one address: that pair reaches 5 (issue 15)
        resp = login(team_app.test_client(), "res", "wrong password!", "127.0.0.10")
        assert resp.status_code == 401
    # even the right password, from that address; not from the user's own
    assert login(team_app.test_client(), "res", address="127.0.0.10").status_code == 429
    assert login(team_app.test_client(), "res").status_code == 302
    assert login(team_app.test_client(), "int").status_code == 302   # other accounts still work


def test_login_is_rate_limited_per_address(team_app):
    for i in range(20):         # KB_LOGIN_ADDRESS_LIMIT
        login(team_app.test_client(), f"guess{i}", "wrong password!")
    assert login(team_app.test_client(), "pub").status_code == 429
    assert login(team_app.test_client(), "pub", address="127.0.0.2").status_code == 302
    assert any(e.decision == "rate-limited"
               for e in team_app.extensions["stores"].audit.recent(action="login"))


def test_open_redirects_are_refused_after_login(team_app):
    client = team_app.test_client()
    token = csrf_of(client)
    resp = client.post("/login", data={"csrf_token": token, "name": "int", "password": PASSWORD,
                                       "next": "//evil.example/x"})
    assert resp.headers["Location"] == "/"


def test_bearer_tokens_read_the_api_at_their_owner_clearance(team_app, runner):
    runner = team_app.test_cli_runner()
    token = runner.invoke(args=["user", "token", "pub"]).output.strip()
    headers = {"Authorization": f"Bearer {token}"}
    client = team_app.test_client()
    data = client.get("/api/search?q=&per_page=100", headers=headers).get_json()
    assert data["total"] > 0 and {h["marking"] for h in data["hits"]} == {"PUBLIC"}
    assert client.post("/api/tag", json={"text": "audit"}, headers=headers).status_code == 200
    bad = client.get("/api/search", headers={"Authorization": "Bearer kbt_nope"})
    assert bad.status_code == 401
    runner.invoke(args=["user", "revoke-tokens", "pub"])
    assert client.get("/api/search", headers=headers).status_code == 401


# --- CSRF and headers ---------------------------------------------------------------------

def test_state_changing_requests_need_the_csrf_token(team_app):
    client = team_app.test_client()
    assert client.post("/login", data={"name": "int", "password": PASSWORD}).status_code == 400
    client = client_for(team_app, "editor")
    form = {"group": "loe", "tag": "sector-reform", "action": "add", "reason": "x"}
    url = "/documents/mjc-founding-note.md/tags"
    assert client.post(url, data=form).status_code == 400
    assert client.post(url, data={**form, "csrf_token": "forged"}).status_code == 400
    token = csrf_of(client, "/uploads")
    foreign = client.post(url, data={**form, "csrf_token": token},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.post("/api/tag", data="text=x",
                       content_type="application/x-www-form-urlencoded").status_code == 400
    denied = team_app.extensions["stores"].audit.recent(action="access")
    assert sum("CSRF" in e.detail for e in denied) >= 4


def test_every_post_form_carries_the_csrf_token():
    """Every method="post" form in templates/ (ours and everyone else's) sends the token."""
    root = Path(__file__).resolve().parent.parent / "templates"
    for path in root.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S | re.I):
            if re.search(r'method="post"', form, re.I):
                assert 'name="csrf_token"' in form, path.name


def _assert_headers(resp, no_store: bool = True) -> None:
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    if no_store:
        assert resp.headers["Cache-Control"] == "no-store"


def test_security_headers_on_200_404_500_and_no_traceback(index_dir, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DATA_DIR": str(tmp_path),
                      "PROPAGATE_EXCEPTIONS": False})

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret internals zanzibarite")

    @app.get("/boom")
    def boom_page():
        raise RuntimeError("secret internals zanzibarite")

    client = app.test_client()
    for path, status in (("/", 200), (f"/documents/{CANARY_ID}", 200), ("/api/search?q=x", 200),
                         ("/nope", 404), (f"/api/documents/{MISSING_ID}", 404),
                         ("/api/boom", 500), ("/boom", 500)):
        resp = client.get(path)
        assert resp.status_code == status, path
        _assert_headers(resp)
        if status >= 400:
            body = resp.get_data(as_text=True)
            assert "Traceback" not in body and "secret internals" not in body, path
    assert "Something went wrong" in client.get("/boom").get_data(as_text=True)


def test_error_pages_of_team_mode_carry_headers_too(team_app):
    client = client_for(team_app, "pub")
    _assert_headers(client.get(f"/documents/{CANARY_ID}"))
    _assert_headers(client.get("/admin/audit"))                 # 403


# --- roles ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, uploads, audit", [("pub", 403, 403), ("editor", 200, 403),
                                                  ("admin", 200, 200)])
def test_roles_gate_uploads_and_the_audit_log(team_app, name, uploads, audit):
    client = client_for(team_app, name)
    assert client.get("/uploads").status_code == uploads
    assert client.get("/admin/audit").status_code == audit
    assert client.get("/admin/users").status_code == audit


# --- uploads and editing (a writable copy of the corpus and index) --------------------------

@pytest.fixture(scope="module")
def built_copy(tmp_path_factory, taxonomy) -> tuple[Path, Path]:
    """tests/corpus (without the broken file) and its index, built once for this module."""
    root = tmp_path_factory.mktemp("writable")
    corpus = root / "corpus"
    shutil.copytree(TEST_CORPUS, corpus, ignore=shutil.ignore_patterns("broken.pdf"))
    build_index(corpus, root / "index", taxonomy)
    return corpus, root / "index"


@pytest.fixture
def edit_app(built_copy, tmp_path):
    """A team-mode app over a private, writable copy of the corpus and index."""
    corpus, index = writable_copy(*built_copy, tmp_path)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index), "CORPUS_DIR": str(corpus),
                      "DATA_DIR": str(tmp_path / "data")})
    add_users(app)
    return app


def upload(client, files: list[tuple[bytes, str]], marking: str = "INTERNAL"):
    token = csrf_of(client, "/uploads")
    data = {"csrf_token": token, "marking": marking,
            "files": [(io.BytesIO(b), name) for b, name in files]}
    return client.post("/uploads", data=data, content_type="multipart/form-data")


def settle(app) -> None:
    assert app.extensions["index_queue"].wait_idle(60)


def test_uploaded_file_is_indexed_and_found_at_its_marking(edit_app):
    editor = client_for(edit_app, "editor")
    text = b"# Quetzalcoatlite supply review\n\nThe quetzalcoatlite stockpile was audited.\n"
    assert upload(editor, [(text, "review.md")]).status_code == 302
    settle(edit_app)
    [rec] = edit_app.extensions["stores"].uploads.recent()
    assert (rec.status, rec.reason, rec.original_name) == ("indexed", "", "review.md")
    hits = editor.get("/api/search?q=quetzalcoatlite").get_json()["hits"]
    assert [(h["id"], h["marking"]) for h in hits] == [(rec.doc_id, "INTERNAL")]
    pub = client_for(edit_app, "pub")
    assert pub.get("/api/search?q=quetzalcoatlite").get_json()["total"] == 0
    assert pub.get(f"/documents/{rec.doc_id}").status_code == 404
    events = edit_app.extensions["stores"].audit.recent(action="upload")
    assert [(e.actor, e.decision, e.doc_id) for e in events] == [("editor", "queued", rec.doc_id)]


def test_uploads_left_unfinished_by_a_crash_are_settled_after_a_restart(edit_app):
    """A restart finds uploads a killed process left queued/indexing and indexes them."""
    editor = client_for(edit_app, "editor")
    assert upload(editor, [(b"# Orphaned upload\n\nThe zircuvex plan.\n", "o.md")]).status_code == 302
    settle(edit_app)
    stores = edit_app.extensions["stores"]
    [rec] = stores.uploads.recent()
    stores.uploads.set_status([rec.id], "indexing")          # as a kill -9 mid-build leaves it
    restarted = create_app({"TESTING": True, "INDEX_DIR": edit_app.config["INDEX_DIR"],
                            "CORPUS_DIR": edit_app.config["CORPUS_DIR"],
                            "DATA_DIR": edit_app.config["DATA_DIR"]})
    client_for(restarted, "editor").get("/uploads")
    assert restarted.extensions["index_queue"].wait_idle(60)
    [after] = restarted.extensions["stores"].uploads.recent()
    assert after.status == "indexed"


@pytest.mark.parametrize("name", ["../../x.md", "..\\..\\x.md", "a" * 5000 + ".txt",
                                  "invoice\u202etxt.md", "/etc/passwd", "con\x07trol\t.md", ""])
def test_hostile_upload_names_are_stored_safely(edit_app, name):
    corpus = Path(edit_app.config["CORPUS_DIR"])
    before = {p for p in corpus.rglob("*")}
    editor = client_for(edit_app, "editor")
    upload(editor, [(b"Plain text about logistics and sustainment audits.", name or "x.txt")])
    settle(edit_app)
    new = {p for p in corpus.rglob("*")} - before
    files = sorted(p for p in new if p.is_file())
    assert [p.parent for p in files] == [corpus / "uploads"] * 2, files
    assert re.fullmatch(r"[0-9a-f]{32}\.(md|txt)", files[0].name)
    meta = yaml.safe_load(files[1].read_text(encoding="utf-8"))
    original = meta["original_name"]
    assert len(original) <= 200 and "/" not in original and "\\" not in original
    assert not any(c in original for c in "\u202e\x00\n\x07\t")
    [rec] = edit_app.extensions["stores"].uploads.recent()
    assert rec.status == "indexed" and rec.original_name == original


def test_upload_type_is_decided_by_content_not_name(edit_app):
    editor = client_for(edit_app, "editor")
    pdf = (TEST_CORPUS / "cyber-briefing-note-2020.pdf").read_bytes()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload(editor, [(pdf, "notes.txt"), (png, "report.pdf"), (b"\x00\x01\x02binary", "a.md")])
    settle(edit_app)
    recs = {r.original_name: r for r in edit_app.extensions["stores"].uploads.recent()}
    assert recs["notes.txt"].status == "indexed" and recs["notes.txt"].rel.endswith(".pdf")
    assert recs["report.pdf"].status == "failed" and "image" in recs["report.pdf"].reason
    assert recs["a.md"].status == "failed" and "binary" in recs["a.md"].reason
    assert not list((Path(edit_app.config["CORPUS_DIR"]) / "uploads").glob("*.md"))


def test_uploads_over_the_size_limit_are_refused(edit_app):
    edit_app.config["MAX_CONTENT_LENGTH"] = 1000
    editor = client_for(edit_app, "editor")
    assert upload(editor, [(b"x " * 2000, "big.txt")]).status_code == 413


def _tags(client, doc_id: str, group: str = "loe") -> list[str]:
    return [t["id"] for t in client.get(f"/api/documents/{doc_id}").get_json()[group]]


def test_corrected_tags_override_search_and_survive_a_full_rebuild(edit_app, taxonomy):
    editor = client_for(edit_app, "editor")
    doc_id = "logistics-working-group-minutes.md"
    auto = _tags(editor, doc_id)
    rejected = auto[0]
    added = next(t.id for t in taxonomy.loe if t.id not in auto)
    token = csrf_of(editor, f"/documents/{doc_id}")
    for tag, action in ((rejected, "reject"), (added, "add")):
        resp = editor.post(f"/documents/{doc_id}/tags", data={
            "csrf_token": token, "group": "loe", "tag": tag, "action": action,
            "reason": "checked by hand"})
        assert resp.status_code == 302
    kb = edit_app.extensions["kb"]

    def check() -> None:
        assert rejected not in _tags(editor, doc_id) and added in _tags(editor, doc_id)
        res = kb.search(SearchRequest(per_page=100), Marking.RESTRICTED)
        [hit] = [h for h in res.hits if h.id == doc_id]
        assert added in hit.loe and rejected not in hit.loe
        counted = {v.value: v.count for v in res.facets["loe"]}
        assert counted[added] == sum(added in h.loe for h in res.hits)
        only = kb.search(SearchRequest(per_page=100, filters=(("loe", (added,)),)),
                         Marking.RESTRICTED)
        assert doc_id in {h.id for h in only.hits}
        by_syntax = kb.search(SearchRequest(text=f"loe:{added}", per_page=100), Marking.RESTRICTED)
        assert doc_id in {h.id for h in by_syntax.hits}
        by_syntax = kb.search(SearchRequest(text=f"loe:{rejected}", per_page=100),
                              Marking.RESTRICTED)
        assert doc_id not in {h.id for h in by_syntax.hits}
    check()
    build_index(Path(edit_app.config["CORPUS_DIR"]), Path(edit_app.config["INDEX_DIR"]), taxonomy,
                rebuild=True)
    check()
    page = editor.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert f'data-history-tag="{added}" data-action="add"' in page and "editor" in page
    events = edit_app.extensions["stores"].audit.recent(action="tag")
    assert [e.detail for e in events] == [f"add loe:{added}", f"reject loe:{rejected}"]


def test_tag_corrections_need_a_reason_and_a_known_tag(edit_app):
    editor = client_for(edit_app, "editor")
    token = csrf_of(editor, "/uploads")
    url = "/documents/mjc-founding-note.md/tags"
    base = {"csrf_token": token, "group": "loe", "tag": "sector-reform", "action": "add"}
    assert editor.post(url, data=base).status_code == 400
    assert editor.post(url, data={**base, "reason": "x", "tag": "nope"}).status_code == 400
    assert editor.post(f"/documents/{CANARY_ID}/tags",
                       data={**base, "reason": "x"}).status_code == 404   # above INTERNAL


def _edit(client, doc_id: str, marking: str, **fields):
    token = csrf_of(client, f"/documents/{doc_id}/edit")
    return client.post(f"/documents/{doc_id}/edit",
                       data={"csrf_token": token, "marking": marking, "reason": "review",
                             **fields})


def test_only_an_admin_lowers_a_marking(edit_app):
    doc_id = "interim-progress-review-2018.txt"
    editor, admin = client_for(edit_app, "editor"), client_for(edit_app, "admin")
    current = editor.get(f"/api/documents/{doc_id}").get_json()["marking"]
    assert current == "INTERNAL"
    assert _edit(editor, doc_id, "PUBLIC").status_code == 403
    edit_page = editor.get(f"/documents/{doc_id}/edit").get_data(as_text=True)
    assert 'value="PUBLIC"' not in edit_page
    assert _edit(admin, doc_id, "PUBLIC").status_code == 302
    settle(edit_app)
    pub = client_for(edit_app, "pub")
    assert pub.get(f"/api/documents/{doc_id}").get_json()["marking"] == "PUBLIC"
    events = edit_app.extensions["stores"].audit.recent(action="marking")
    assert [(e.actor, e.decision) for e in events] == [("admin", "ok"), ("editor", "denied")]


def test_a_raised_marking_applies_at_once_and_survives_reindexing(edit_app, taxonomy):
    doc_id = "mjc-founding-note.md"
    editor, intl = client_for(edit_app, "editor"), client_for(edit_app, "int")
    assert _edit(editor, doc_id, "RESTRICTED", title="MJC founding note (revised)").status_code == 302
    assert intl.get(f"/api/documents/{doc_id}").status_code == 404       # before re-indexing
    settle(edit_app)
    build_index(Path(edit_app.config["CORPUS_DIR"]), Path(edit_app.config["INDEX_DIR"]), taxonomy,
                rebuild=True)
    assert intl.get(f"/api/documents/{doc_id}").status_code == 404
    admin = client_for(edit_app, "admin")
    data = admin.get(f"/api/documents/{doc_id}").get_json()
    assert (data["marking"], data["title"]) == ("RESTRICTED", "MJC founding note (revised)")
    details = {e.action: e.detail for e in edit_app.extensions["stores"].audit.recent()}
    assert details["metadata"] == "changed title" and "revised" not in details["marking"]


def test_downloads_and_exports_are_audited(team_app):
    client = client_for(team_app, "res")
    with client.get(f"/documents/{CANARY_ID}/download") as download:
        assert download.status_code == 200
    assert client.get("/commitments.csv").status_code == 200
    events = team_app.extensions["stores"].audit.recent(action="export")
    assert {(e.actor, e.doc_id) for e in events} == {("res", CANARY_ID), ("res", None)}


def test_audit_log_never_holds_passwords(team_app):
    login(team_app.test_client(), "int", "my secret guess")
    login(team_app.test_client(), "int")
    db = Path(team_app.config["DATA_DIR"]) / "kb.sqlite3"
    with team_app.extensions["stores"].db.connect() as conn:
        dump = "\n".join(conn.iterdump())
    assert "my secret guess" not in dump and PASSWORD not in dump
    assert db.stat().st_mode & 0o077 == 0
    secret = Path(team_app.config["DATA_DIR"]) / "secret_key"
    assert secret.stat().st_mode & 0o077 == 0


def test_local_mode_banner_is_gone_in_team_mode(team_app):
    html = client_for(team_app, "int").get("/").get_data(as_text=True)
    assert "data-local-mode" not in html and 'data-user="int"' in html


def test_serve_runs_several_worker_processes_on_one_port(index_dir, tmp_path):
    """`flask serve --workers 2`: both processes answer on one port; SIGTERM stops them all."""
    import json as _json
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, KB_INDEX_DIR=str(index_dir), KB_DATA_DIR=str(tmp_path / "data"),
               KB_CORPUS_DIR=str(TEST_CORPUS))
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "serve", "--port",
                             str(port), "--workers", "2", "--threads", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline, answered = time.monotonic() + 30, None
        while time.monotonic() < deadline and answered is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=", timeout=5) as r:
                    answered = _json.load(r)["total"]
            except OSError:
                time.sleep(0.2)
        assert answered and answered > 0
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        assert len(children.stdout.split()) >= 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    deadline, left = time.monotonic() + 10, "?"
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True,
                              text=True).stdout.strip()
    assert left == ""
