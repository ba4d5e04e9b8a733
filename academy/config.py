"""Configuration: defaults, then the instance folder, then ``ACADEMY_*``
environment variables, then what the caller passes (tests)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .paths import resource

DEFAULTS = {
    "COURSES_DIR": None,  # default: the shipped courses
    "DATA_DIR": None,  # default: the Flask instance folder
    "DATABASE_URL": None,  # default: SQLite in the data folder
    "SECRET_KEY": None,  # default: generated once, kept in the data folder
    "PUBLIC_URL": None,  # where certificates point; default: the request's host
    "CONTENT_RELOAD_SECONDS": 10,  # how often the courses folder is checked for edits
    "SQLITE_SYNCHRONOUS": "FULL",  # FULL: a power cut loses no committed answer; NORMAL is faster, may lose the last commits
    "SELF_REGISTRATION": True,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_SECONDS": 300,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,  # a learner may keep a lesson open for a shift
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # also waitress's request body limit
    "SERVER_CONNECTION_LIMIT": 500,  # open connections waitress keeps (academy serve)
    "SERVER_CHANNEL_TIMEOUT": 30,  # seconds a connection may send nothing before it is closed
    "BABEL_DEFAULT_LOCALE": "en",
    "ROLE": "box",  # "hub": receives the boxes' bundles and reports over all of them (docs/sync.md)
    "SYNC_MAX_BUNDLE_BYTES": 200 * 1024 * 1024,  # a bundle pushed to a hub
}


def load_config(app, overrides: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    # The data folder may hold a config.py of its own; where the data folder
    # is must therefore be known first (from the caller or the environment).
    data_dir = (overrides or {}).get("DATA_DIR") or os.environ.get("ACADEMY_DATA_DIR") or app.instance_path
    app.config.from_pyfile(os.path.join(data_dir, "config.py"), silent=True)
    app.config.from_prefixed_env("ACADEMY")
    if overrides:
        app.config.from_mapping(overrides)

    data_dir = Path(app.config["DATA_DIR"] or data_dir).expanduser().resolve()
    app.config["DATA_DIR"] = data_dir
    app.config["COURSES_DIR"] = Path(app.config["COURSES_DIR"] or resource("courses")).expanduser().resolve()
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"] or f"sqlite:///{data_dir / 'academy.sqlite3'}"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(resource("translations"))
    if app.config["ROLE"] not in ("box", "hub"):
        raise ValueError(f"ROLE is box or hub, not {app.config['ROLE']!r}")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = read_or_create_secret(data_dir / "secret_key")


def read_or_create_secret(path: Path) -> str:
    """The session-signing key: made once, owner-only, kept across restarts
    so that nobody is signed out by an upgrade."""
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret)
    try:
        os.link(tmp, path)  # fails if another process won the race
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()
