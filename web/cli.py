"""CLI: `flask --app app user ...` to manage users and tokens, `serve` to run waitress safely,
`train` to retrain the models."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading

import click
from flask import Flask
from werkzeug.security import generate_password_hash

from search.accounts import AccountError, Role, parse_clearance
from search.errors import IndexDamaged, IndexMissing
from web.auth import UnsafeBind, bind_problem, is_team_mode, stores
from web.training import train_command

log = logging.getLogger(__name__)

MIN_PASSWORD = 10


def register_cli(app: Flask) -> None:
    """Add the `user` command group and the `serve` command to `app.cli`."""
    app.cli.add_command(_user_group(app))
    app.cli.add_command(_serve_command(app))
    app.cli.add_command(train_command(app))


def _read_password(from_stdin: bool) -> str:
    """Return a new password from stdin (first line) or an interactive prompt; check its length."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
    return password


def _fail(exc: AccountError) -> click.ClickException:
    return click.ClickException(str(exc))


def _user_group(app: Flask) -> click.Group:
    @click.group("user")
    def user_command() -> None:
        """Manage users (adding the first one switches the app to team mode)."""

    role_option = click.option("--role", type=click.Choice(["reader", "editor", "admin"],
                                                           case_sensitive=False))
    clearance_option = click.option("--clearance", type=click.Choice(
        ["PUBLIC", "INTERNAL", "RESTRICTED"], case_sensitive=False))

    @user_command.command("add")
    @click.argument("name")
    @role_option
    @clearance_option
    @click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
    def add_command(name: str, role: str | None, clearance: str | None,
                    password_stdin: bool) -> None:
        """Add a user (role and clearance are required)."""
        if role is None or clearance is None:
            raise click.UsageError("give both --role and --clearance")
        password = _read_password(password_stdin)
        try:
            user = stores(app).accounts.add(name, generate_password_hash(password),
                                            Role.parse(role), parse_clearance(clearance))
        except AccountError as exc:
            raise _fail(exc) from None
        _audit(app, "user", f"added {user.name} ({user.role.name.lower()}, {user.clearance.name})")
        click.echo(f"added {user.name}: {user.role.name.lower()}, {user.clearance.name}")

    @user_command.command("list")
    def list_command() -> None:
        """List users with role, clearance and number of API tokens."""
        for u in stores(app).accounts.users():
            click.echo(f"{u.name:24s} {u.role.name.lower():8s} {u.clearance.name:11s} "
                       f"{u.tokens} token(s)")

    @user_command.command("remove")
    @click.argument("name")
    def remove_command(name: str) -> None:
        """Remove a user, with their tokens and sessions."""
        try:
            stores(app).accounts.remove(name)
        except AccountError as exc:
            raise _fail(exc) from None
        _audit(app, "user", f"removed {name}")
        click.echo(f"removed {name}")

    @user_command.command("set")
    @click.argument("name")
    @role_option
    @clearance_option
    @click.option("--password", "new_password", is_flag=True,
                  help="Also set a new password (prompt, or stdin with --password-stdin).")
    @click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
    def set_command(name: str, role: str | None, clearance: str | None, new_password: bool,
                    password_stdin: bool) -> None:
        """Change a user's role, clearance or password (their sessions end)."""
        st = stores(app)
        try:
            hashed = (generate_password_hash(_read_password(password_stdin))
                      if new_password or password_stdin else None)
            user = st.accounts.update(name, Role.parse(role) if role else None,
                                      parse_clearance(clearance) if clearance else None, hashed)
        except AccountError as exc:
            raise _fail(exc) from None
        st.sessions.end_all(user.name)
        _audit(app, "user", f"set {user.name} ({user.role.name.lower()}, {user.clearance.name}"
                            f"{', new password' if hashed else ''})")
        click.echo(f"{user.name}: {user.role.name.lower()}, {user.clearance.name}")

    @user_command.command("token")
    @click.argument("name")
    def token_command(name: str) -> None:
        """Print a new API token for NAME (shown once; send it as Authorization: Bearer)."""
        try:
            token = stores(app).accounts.new_token(name)
        except AccountError as exc:
            raise _fail(exc) from None
        _audit(app, "token", f"new token for {name}")
        click.echo(token)

    @user_command.command("revoke-tokens")
    @click.argument("name")
    def revoke_command(name: str) -> None:
        """Revoke every API token of NAME."""
        count = stores(app).accounts.revoke_tokens(name)
        _audit(app, "token", f"revoked {count} token(s) of {name}")
        click.echo(f"revoked {count} token(s) of {name}")

    return user_command


def _audit(app: Flask, action: str, detail: str) -> None:
    stores(app).audit.record("cli", action, "ok", detail=detail)


def _serve_command(app: Flask) -> click.Command:
    @click.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    @click.option("--threads", default=8, show_default=True, type=int)
    @click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 16),
                  help="Processes sharing the port (one Python process uses one core).")
    def serve_command(host: str, port: int, threads: int, workers: int) -> None:
        """Serve with waitress; refuses a non-loopback host in local mode."""
        problem = bind_problem(host, is_team_mode(app), app.debug)
        if problem:
            raise UnsafeBind(problem)
        _serve_forked(app, host, port, threads, workers)

    return serve_command


def _serve_forked(app: Flask, host: str, port: int, threads: int, workers: int) -> None:
    """Run `workers` waitress processes accepting on one listening socket.

    The socket is opened before forking; nothing else is (the index and SQLite open lazily
    per process). The parent serves too and stops its children when it exits.
    """
    sock = socket.create_server((host, port), backlog=1024)
    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _serve_one(app, sock, threads)
            os._exit(0)
        children.append(pid)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _serve_one(app, sock, threads)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def _serve_one(app: Flask, sock: socket.socket, threads: int) -> None:
    """Serve on `sock` in this process, loading the index in the background meanwhile so
    the first search does not wait for the document table."""
    from waitress import serve
    threading.Thread(target=_warm, args=(app,), name="kb-warm", daemon=True).start()
    serve(app, sockets=[sock], threads=threads)


def _warm(app: Flask) -> None:
    try:
        app.extensions["kb"].refresh()
    except (IndexMissing, IndexDamaged) as exc:     # the first request reports it properly
        log.warning("index not loaded at start: %s", exc)
