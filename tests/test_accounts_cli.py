"""The `user` CLI: add, list, set, token, revoke-tokens, remove; and what each changes."""
from __future__ import annotations

import pytest

from search.accounts import Role
from indexer.records import Marking
from tests.access_helpers import PASSWORD, login

GOOD = PASSWORD + "\n"


def invoke(runner, *args: str, password: str | None = None):
    return runner.invoke(args=["user", *args], input=password)


def test_add_list_set_remove_round_trip(app, runner):
    result = invoke(runner, "add", "olena", "--role", "editor", "--clearance", "internal",
                    "--password-stdin", password=GOOD)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "added olena: editor, INTERNAL"
    user = app.extensions["stores"].accounts.get("olena")
    assert (user.role, user.clearance) == (Role.EDITOR, Marking.INTERNAL)
    listed = invoke(runner, "list").output.split()
    assert listed[:4] == ["olena", "editor", "INTERNAL", "0"]
    result = invoke(runner, "set", "olena", "--clearance", "RESTRICTED", "--role", "admin")
    assert result.exit_code == 0 and "admin, RESTRICTED" in result.output
    assert invoke(runner, "remove", "olena").exit_code == 0
    assert app.extensions["stores"].accounts.get("olena") is None
    actions = [e.detail for e in app.extensions["stores"].audit.recent(action="user")]
    assert actions == ["removed olena", "set olena (admin, RESTRICTED)",
                       "added olena (editor, INTERNAL)"]


def test_add_reads_the_password_from_a_prompt(app, runner):
    result = invoke(runner, "add", "taras", "--role", "reader", "--clearance", "PUBLIC",
                    password=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert login(app.test_client(), "taras").status_code == 302


@pytest.mark.parametrize("args, password, message", [
    (["add", "x", "--role", "boss", "--clearance", "PUBLIC", "--password-stdin"], GOOD, "boss"),
    (["add", "x", "--role", "reader", "--clearance", "SECRET", "--password-stdin"], GOOD, "SECRET"),
    (["add", "x", "--role", "reader", "--password-stdin"], GOOD, "--clearance"),
    (["add", "x", "--role", "reader", "--clearance", "PUBLIC", "--password-stdin"], "short\n",
     "at least"),
    (["add", "../x", "--role", "reader", "--clearance", "PUBLIC", "--password-stdin"], GOOD,
     "user name"),
    (["remove", "ghost"], None, "no user"),
    (["set", "ghost", "--role", "admin"], None, "no user"),
    (["token", "ghost"], None, "no user"),
])
def test_bad_input_fails_with_a_message(runner, args, password, message):
    result = invoke(runner, *args, password=password)
    assert result.exit_code != 0 and message in result.output


def test_duplicate_names_are_refused_whatever_the_case(runner):
    args = ("add", "Anna", "--role", "reader", "--clearance", "PUBLIC", "--password-stdin")
    assert invoke(runner, *args, password=GOOD).exit_code == 0
    result = invoke(runner, "add", "anna", *args[2:], password=GOOD)
    assert result.exit_code != 0 and "already exists" in result.output


def test_tokens_are_shown_once_stored_hashed_and_revocable(app, runner):
    invoke(runner, "add", "bot", "--role", "reader", "--clearance", "INTERNAL",
           "--password-stdin", password=GOOD)
    token = invoke(runner, "token", "bot").output.strip()
    assert token.startswith("kbt_") and len(token) > 40
    with app.extensions["stores"].db.connect() as conn:
        assert token not in "\n".join(conn.iterdump())
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/search?q=audit", headers=auth).status_code == 200
    assert "1 token(s)" in invoke(runner, "list").output
    assert invoke(runner, "revoke-tokens", "bot").output.strip() == "revoked 1 token(s) of bot"
    assert client.get("/api/search?q=audit", headers=auth).status_code == 401


def test_changing_a_user_ends_their_sessions(app, runner):
    invoke(runner, "add", "ivan", "--role", "reader", "--clearance", "RESTRICTED",
           "--password-stdin", password=GOOD)
    client = app.test_client()
    assert login(client, "ivan").status_code == 302
    assert client.get("/").status_code == 200
    invoke(runner, "set", "ivan", "--clearance", "PUBLIC")
    assert client.get("/").status_code == 302


def test_removing_the_last_user_does_not_reopen_local_mode_while_kb_auth_is_on(index_dir,
                                                                               tmp_path):
    from app import create_app
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DATA_DIR": str(tmp_path),
                      "AUTH": "on"})
    assert app.test_client().get("/").status_code == 302
