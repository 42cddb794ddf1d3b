"""The one table of settings (name, default, parser, help), validated when the app starts.

Every setting is read from `KB_<NAME>` (or the test config), parsed by its parser and kept
in a frozen `Settings`; a value a parser does not accept stops the start with a message
naming the setting (a misspelt `KB_AUTH=required` must not quietly mean local mode). The
README's configuration table lists exactly these names (a test checks it).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

import click

from indexer.learning.modelfile import MODELS_DIR
from indexer.taxonomy import default_taxonomy_path

HERE = Path(__file__).resolve().parent.parent
_TRUE = ("on", "1", "true", "yes")
_FALSE = ("off", "0", "false", "no", "")


class SettingError(click.ClickException):
    """A setting has a value its parser refuses: the app does not start."""


def switch(value: Any) -> bool:
    """Parse on/off (also 1/0, true/false, yes/no; unset is off)."""
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, int) and value in (0, 1)):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError("use on or off")


def whole(minimum: int) -> Callable[[Any], int]:
    """Return a parser of whole numbers >= `minimum`."""
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not str(value).strip().lstrip("-").isdigit():
            raise ValueError(f"use a whole number of at least {minimum}")
        number = int(str(value).strip())
        if number < minimum:
            raise ValueError(f"use a whole number of at least {minimum}")
        return number
    return parse


def positive(value: Any) -> float:
    """Parse a number above 0 (whole or not)."""
    try:
        number = float(value) if not isinstance(value, bool) else -1.0
    except (TypeError, ValueError):
        number = -1.0
    if not number > 0 or number == float("inf"):
        raise ValueError("use a number above 0")
    return int(number) if number == int(number) else number


def text(value: Any) -> str:
    """Parse a string (None: empty)."""
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ValueError("use a string")
    return str(value)


def folder(value: Any) -> str:
    """Parse a non-empty path."""
    found = text(value).strip()
    if not found:
        raise ValueError("use a path")
    return found


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the table: the `KB_` name without prefix, its default and parser, help."""

    name: str
    default: Callable[[str], Any]          # instance path -> default value
    parse: Callable[[Any], Any]
    help: str


def _fixed(value: Any) -> Callable[[str], Any]:
    return lambda _instance: value


SETTINGS: tuple[Setting, ...] = (
    Setting("CORPUS_DIR", _fixed(str(HERE / "corpus")), folder, "folder of documents to index"),
    Setting("INDEX_DIR", lambda inst: str(Path(inst) / "index"), folder,
            "index folder (holds generations and a CURRENT pointer)"),
    Setting("DATA_DIR", lambda inst: inst, folder,
            "application data: kb.sqlite3 and secret_key, both mode 0600"),
    Setting("TAXONOMY", _fixed(str(default_taxonomy_path())), folder,
            "the taxonomy: tags, cues in English and Ukrainian, acronyms"),
    Setting("MODELS_DIR", _fixed(str(MODELS_DIR)), folder,
            "the trained models (`flask train` writes them); they must match the taxonomy"),
    Setting("AUTH", _fixed(False), switch,
            "on forces team mode (logins required) even before the first user exists"),
    Setting("SECRET_KEY", _fixed(""), text, "session signing key; generated into DATA_DIR when unset"),
    Setting("IDLE_MINUTES", _fixed(30), positive, "a login session ends after this long idle"),
    Setting("LOGIN_LIMIT", _fixed(5), whole(1),
            "failed logins per account and address in the window before 429"),
    Setting("LOGIN_ADDRESS_LIMIT", _fixed(20), whole(1),
            "failed logins per address (any accounts) in the window before 429"),
    Setting("LOGIN_ACCOUNT_LIMIT", _fixed(10), whole(1),
            "failed logins per account (all addresses) before its logins back off"),
    Setting("TOKEN_LIMIT", _fixed(20), whole(1),
            "invalid API tokens per address in the window before 429"),
    Setting("LOGIN_WINDOW_MINUTES", _fixed(15), positive, "the window failures are counted in"),
    Setting("SERVER_HOST", _fixed(""), text,
            "the address a WSGI server binds to when not started by flask run/serve"),
    Setting("PROXY_HOPS", _fixed(0), whole(0),
            "team mode behind this many trusted reverse proxies (ProxyFix); 0: none"),
    Setting("SESSION_COOKIE_SECURE", _fixed(False), switch,
            "send the session cookie over HTTPS only (it is whenever the request is HTTPS)"),
    Setting("MAX_CONTENT_LENGTH", _fixed(50 * 1024 * 1024), whole(1),
            "largest upload request in bytes (413 above it)"),
    Setting("QUERY_BUDGET_MS", _fixed(2000), positive, "time one search may spend"),
    Setting("PAGE_SIZE", _fixed(20), whole(1), "search hits per page"),
)
BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The parsed settings of one app (read-only)."""

    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def defaults(instance_path: str) -> dict[str, Any]:
    """Return every setting's default (what app.config starts from)."""
    return {s.name: s.default(instance_path) for s in SETTINGS}


def load_settings(config: Mapping[str, Any]) -> Settings:
    """Return the parsed settings in `config`; raise SettingError naming a refused value."""
    values = {}
    for s in SETTINGS:
        raw = config.get(s.name)
        try:
            values[s.name] = s.parse(raw)
        except ValueError as exc:
            raise SettingError(f"invalid value for KB_{s.name}: {str(raw)[:60]!r} ({exc}); "
                               f"KB_{s.name} is {s.help}") from None
    return Settings(MappingProxyType(values))
