"""Who is asking, and may they: modes, sessions, API tokens, CSRF and the audit hooks.

*Local mode* (no users and KB_AUTH unset): no login, full access, loopback clients only.
*Team mode* (KB_AUTH=on, or as soon as any user exists): every request except /login and
static files needs a login session or an `Authorization: Bearer` API token.

Every unsafe request (POST, PUT, PATCH, DELETE) needs the session's CSRF token (form field
`csrf_token` or header `X-CSRF-Token`), except requests authenticated by a Bearer token
and same-origin JSON requests to /api/ (a browser cannot send JSON cross-site without a
CORS preflight, which this app never grants).
"""
from __future__ import annotations

import hmac
import math
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from flask import (Flask, Response, after_this_request, current_app, g, has_request_context,
                   jsonify, redirect, request, session, url_for)
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest, Forbidden, TooManyRequests, Unauthorized
from werkzeug.middleware.proxy_fix import ProxyFix

from indexer.records import Marking
from search.accounts import AccountStore, LoginThrottle, Role, SessionStore, User
from search.audit import AuditLog
from search.corrections import CorrectionStore
from search.db import DB_FILE, Database
from search.errors import Hidden, NotFound
from search.uploads import UploadStore

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_ENDPOINTS = frozenset({"login_page", "static"})
SECRET_FILE = "secret_key"
LOCAL_ONLY = ("This knowledge base runs in local mode (no login, full access) and answers only "
              "on this machine. To serve a team, add a user (flask --app app user add NAME "
              "--role admin --clearance RESTRICTED) or set KB_AUTH=on, then restart.")


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Headers a reverse proxy adds: local mode refuses them (a proxy on this machine would
# otherwise pass every remote visitor in as 127.0.0.1); team mode reads them only through
# ProxyFix when KB_PROXY_HOPS says how many proxies to trust.
FORWARD_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                   "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Real-IP")
LOCAL_HOST_ONLY = ("Local mode answers only requests addressed to localhost, 127.0.0.1 or [::1] "
                   "(with the port), not through another name or a proxy. To serve a team, "
                   "enable team mode (KB_AUTH=on) and, behind a reverse proxy, set KB_PROXY_HOPS.")


class UnsafeBind(click.ClickException):
    """The server would listen beyond this machine while nobody has to log in."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a user, the local operator, or nobody (anonymous)."""

    name: str | None
    role: Role | None
    clearance: Marking
    is_local: bool = False
    via_token: bool = False

    @property
    def is_anonymous(self) -> bool:
        """Return True when nobody is logged in."""
        return self.name is None

    @property
    def can_edit(self) -> bool:
        """Return True if the viewer may upload, edit metadata and correct tags."""
        return self.role is not None and self.role >= Role.EDITOR

    @property
    def is_admin(self) -> bool:
        """Return True if the viewer may lower markings and read the audit log."""
        return self.role is not None and self.role >= Role.ADMIN

    @classmethod
    def of(cls, user: User, via_token: bool = False) -> "Viewer":
        """Return the viewer for a logged-in user."""
        return cls(user.name, user.role, user.clearance, via_token=via_token)


ANONYMOUS = Viewer(None, None, Marking.PUBLIC)
LOCAL = Viewer("local", Role.ADMIN, Marking.RESTRICTED, is_local=True)


@dataclass(frozen=True)
class Stores:
    """The app database and the stores over it (one set per app, on app.extensions)."""

    db: Database
    accounts: AccountStore
    sessions: SessionStore
    throttle: LoginThrottle
    audit: AuditLog
    corrections: CorrectionStore
    uploads: UploadStore


class _SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is `Secure` whenever the request came over HTTPS.

    Without KB_SECRET_KEY the key is read (or made) in DATA_DIR when the first session is
    opened, so CLI commands such as `index` write nothing there.
    """

    def open_session(self, app: Flask, request: Any) -> Any:
        """Return the request's session, loading the secret key on first use."""
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _stored_secret(Path(app.config["DATA_DIR"]) / SECRET_FILE)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True if the cookie must only travel over HTTPS."""
        secure = bool(app.config["SESSION_COOKIE_SECURE"])
        return secure or (has_request_context() and request.is_secure)


def init_access(app: Flask) -> Stores:
    """Set up modes, sessions, CSRF and audit hooks on `app`; return its stores."""
    # the settings (defaults, parsing, refusals) come from web/settings.py via create_app
    app.config.update(SESSION_COOKIE_NAME="kb_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax")
    data_dir = Path(app.config["DATA_DIR"])
    app.session_interface = _SessionInterface()
    db = Database(data_dir / DB_FILE)
    stores = Stores(db, AccountStore(db), SessionStore(db, 60.0 * float(app.config["IDLE_MINUTES"])),
                    LoginThrottle(db, int(app.config["LOGIN_LIMIT"]),
                                  60.0 * float(app.config["LOGIN_WINDOW_MINUTES"]),
                                  address_limit=int(app.config["LOGIN_ADDRESS_LIMIT"]),
                                  account_limit=int(app.config["LOGIN_ACCOUNT_LIMIT"]),
                                  token_limit=int(app.config["TOKEN_LIMIT"])),
                    AuditLog(db), CorrectionStore(db), UploadStore(db))
    app.extensions["stores"] = stores
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:        # team mode behind that many trusted reverse proxies (see FORWARD_HEADERS)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,  # type: ignore[method-assign]
                                x_port=hops, x_prefix=hops)
    check_startup(app)
    app.before_request(_guard)
    app.after_request(_audit_exports)
    app.context_processor(_template_globals)
    return stores


def stores(app: Flask | None = None) -> Stores:
    """Return the stores of `app` (default: the current app)."""
    return (app or current_app).extensions["stores"]


def _stored_secret(path: Path) -> str:
    """Return the secret key kept in `path`, creating it (mode 0600) on first use.

    The file appears atomically with its content (written aside, then hard-linked), so a
    concurrent first request never reads an empty key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass                               # another thread or process won the race
        finally:
            tmp.unlink()
    os.chmod(path, 0o600)
    return path.read_text(encoding="ascii").strip()


# --- modes and the start-up guard -------------------------------------------------------

def is_team_mode(app: Flask) -> bool:
    """Return True if logins are required: KB_AUTH=on, or any user exists (fails closed)."""
    flag = app.config.get("AUTH")
    if flag is True or str(flag).strip().lower() in ("on", "1", "true", "yes"):
        return True
    return stores(app).accounts.has_users()


def is_loopback(host: str) -> bool:
    """Return True if `host` (a name or address, maybe [bracketed]) is this machine only."""
    host = host.strip().strip("[]")
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)      # ::ffff:127.0.0.1 on dual-stack sockets
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def is_local_host(host: str) -> bool:
    """Return True if a Host header names this machine: localhost, 127.0.0.1 or [::1],
    optionally with a port (a DNS-rebinding name resolving to 127.0.0.1 does not)."""
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else (None if not rest else "x")
        ok_name = name == "::1"
    else:
        name, sep, port = host.partition(":")
        port = port if sep else None
        ok_name = name in LOCAL_HOSTS and name != "::1"
    return ok_name and (port is None or (port.isdigit() and 0 < int(port) < 65536))


def local_request_problem(host: str, headers, proxy_hops: int = 0) -> str | None:
    """Return why a loopback request is refused in local mode, or None."""
    if proxy_hops:
        return "KB_PROXY_HOPS is set but nobody has to log in (local mode behind a proxy)"
    if not is_local_host(host):
        return f"Host {host[:60]!r} is not a loopback name"
    sent = {h.lower() for h in headers}
    forwarded = [h for h in FORWARD_HEADERS if h.lower() in sent]
    if forwarded:
        return f"forwarded by a proxy ({forwarded[0]})"
    return None


def bind_problem(host: str, team_mode: bool, debug: bool = False) -> str | None:
    """Return why serving on `host` is refused, or None when it is allowed."""
    if is_loopback(host):
        return None
    if debug:
        return (f"refusing to serve on {host} with the debugger on: it runs code for anyone "
                "who reaches it. Drop --debug, or bind to 127.0.0.1.")
    if not team_mode:
        return (f"refusing to serve on {host} in local mode (no login, full access). "
                "Enable team mode first: add a user with `flask --app app user add NAME "
                "--role admin --clearance RESTRICTED` (or set KB_AUTH=on), or bind to 127.0.0.1.")
    return None


def check_startup(app: Flask) -> None:
    """Raise UnsafeBind when the server about to start would listen beyond this machine
    without logins: the host comes from KB_SERVER_HOST or `flask run --host`."""
    host = app.config.get("SERVER_HOST")
    ctx = click.get_current_context(silent=True)
    if not host and ctx is not None and ctx.info_name == "run":
        host = ctx.params.get("host")
    if host:
        problem = bind_problem(str(host), is_team_mode(app), app.debug)
        if problem:
            raise UnsafeBind(problem)


# --- the per-request guard ----------------------------------------------------------------

def viewer() -> Viewer:
    """Return who is asking (anonymous outside a request or before the guard ran)."""
    if not has_request_context():
        return ANONYMOUS
    return g.get("viewer", ANONYMOUS)


def _guard() -> Response | None:
    """Identify the viewer, enforce local-only / login-required, and check CSRF."""
    app = current_app._get_current_object()
    team = is_team_mode(app)
    g.team_mode = team
    if not team:
        if not is_loopback(request.remote_addr or ""):
            audit("access", "denied", detail="local mode: request from another machine")
            raise Forbidden(LOCAL_ONLY)
        problem = local_request_problem(request.host, request.headers.keys(),
                                        int(app.config.get("PROXY_HOPS") or 0))
        if problem:
            audit("access", "denied", detail=f"local mode: {problem}")
            raise Forbidden(LOCAL_HOST_ONLY)
        g.viewer = LOCAL
    else:
        g.viewer = _identify()
    _check_csrf()
    if team and g.viewer.is_anonymous and request.endpoint not in OPEN_ENDPOINTS:
        return _login_required()
    return None


def _identify() -> Viewer:
    """Return the viewer of a team-mode request from its Bearer token or login session."""
    st = stores()
    header = request.headers.get("Authorization", "")
    if header:
        address = request.remote_addr or ""
        wait = st.throttle.token_wait(address)
        if wait > 0:
            audit("access", "rate-limited", detail="too many invalid API tokens")
            raise TooManyRequests("too many invalid API tokens; wait and try again",
                                  retry_after=math.ceil(wait))
        scheme, _, token = header.partition(" ")
        user = st.accounts.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            st.throttle.record_token_failure(address)
            audit("access", "denied", detail="invalid API token")
            raise Unauthorized("invalid or revoked API token")
        return Viewer.of(user, via_token=True)
    sid = session.get("sid")
    if not isinstance(sid, str):
        return ANONYMOUS
    name = st.sessions.user(sid)
    user = st.accounts.get(name) if name else None
    if user is None:
        session.pop("sid", None)
        g.session_expired = True
        return ANONYMOUS
    return Viewer.of(user)


def _login_required() -> Response:
    """Answer an anonymous team-mode request: 401 for the API, else the login page."""
    if request.path.startswith("/api/"):
        resp = jsonify({"error": "login required: sign in, or send Authorization: Bearer TOKEN"})
        resp.status_code = 401
        resp.headers["WWW-Authenticate"] = 'Bearer realm="kb"'
        return resp
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("login_page", next=target))


def csrf_token() -> str:
    """Return the session's CSRF token, creating it on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def _check_csrf() -> None:
    """Reject an unsafe request without the session's CSRF token (400), see module doc."""
    if request.method in SAFE_METHODS or viewer().via_token:
        return
    if not _is_cross_site():
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
        expected = session.get("csrf")
        if isinstance(expected, str) and sent and hmac.compare_digest(sent, expected):
            return
        if request.path.startswith("/api/") and request.mimetype == "application/json":
            return
    audit("access", "denied", detail=f"CSRF check failed on {request.method} {request.path}")
    raise BadRequest("This form has expired or did not come from this site. "
                     "Reload the page and try again.")


def _is_cross_site() -> bool:
    """Return True if the browser says the request comes from another site."""
    if request.headers.get("Sec-Fetch-Site", "") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" != request.host_url.rstrip("/")


def require_role(role: Role) -> None:
    """Raise 403 (and audit it) unless the viewer has at least `role`."""
    v = viewer()
    if v.role is None or v.role < role:
        audit("access", "denied", detail=f"{request.endpoint} needs the {role.name.lower()} role")
        raise Forbidden("Your role does not allow this.")


# --- audit hooks ----------------------------------------------------------------------------

def audit(action: str, decision: str, doc_id: str | None = None, detail: str = "",
          actor: str | None = None) -> None:
    """Record an audit event for the current request's viewer (or `actor`)."""
    name = actor or viewer().name or "anonymous"
    address = request.remote_addr if has_request_context() else None
    stores().audit.record(name, action, decision, doc_id, detail, address)


def note_not_found(exc: NotFound) -> None:
    """Audit a 404 that hid an existing document above the viewer's clearance.

    The audit write runs once the response is sent (`call_on_close`), so a hidden id
    answers as fast as a missing one: the response path does the same work for both.
    """
    if not isinstance(exc, Hidden):
        return
    doc_id = str(exc.args[0]) if exc.args else None
    log, name = stores().audit, viewer().name or "anonymous"
    detail = f"above clearance {viewer().clearance.name}: {request.path}"
    address = request.remote_addr

    def write() -> None:
        log.record(name, "access", "hidden", doc_id, detail, address)

    @after_this_request
    def defer(resp: Response) -> Response:
        resp.call_on_close(write)
        return resp


def _audit_exports(resp: Response) -> Response:
    """Audit every successful download (attachment or CSV), whichever route served it."""
    disposition = resp.headers.get("Content-Disposition", "")
    if resp.status_code == 200 and ("attachment" in disposition or resp.mimetype == "text/csv"):
        doc_id = (request.view_args or {}).get("doc_id")
        audit("export", "ok", doc_id=doc_id, detail=request.full_path.rstrip("?"))
    return resp


def _template_globals() -> dict[str, Any]:
    """Return what every template may use: the CSRF token, the mode and the viewer."""
    team = g.get("team_mode")
    if team is None:
        team = is_team_mode(current_app._get_current_object())
    return {"csrf_token": csrf_token, "local_mode": not team,
            "viewer": viewer()}
