"""Configuration: defaults, then the instance folder, then ``ACADEMY_*``
environment variables, then what the caller passes (tests)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .content_updates import courses_dir_for
from .paths import resource

DEFAULTS = {
    "COURSES_DIR": None,  # default: the shipped courses
    "DATA_DIR": None,  # default: the Flask instance folder
    "DATABASE_URL": None,  # default: SQLite in the data folder
    "SECRET_KEY": None,  # default: generated once, kept in the data folder
    "PUBLIC_URL": None,  # where certificates point; default: the address `academy serve` chose (web.public_base_url)
    "CONTENT_RELOAD_SECONDS": 10,  # how often the courses folder is checked for edits
    "SQLITE_SYNCHRONOUS": "FULL",  # FULL: a power cut loses no committed answer; NORMAL is faster, may lose the last commits
    "SELF_REGISTRATION": True,
    "VERIFY_LOOKUPS_PER_MINUTE": 30,  # /verify lookups per client address and process; 0: no limit
    "TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-For names the client
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_SECONDS": 300,
    "SESSION_LIFETIME_DAYS": 14,  # a sign-in ends after this long, however active
    "STAFF_IDLE_HOURS": 8,  # a tutor's, admin's or programme officer's sign-in ends after this long unused
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # No "remember me": login_user() is never asked to remember. A remember
    # cookie would carry a login session's id like the session cookie and
    # pass the same check (auth/routes.py load_user).
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,  # a learner may keep a lesson open for a shift
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # every request but an assignment's answer; see UPLOAD_MAX_BYTES
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,  # one photo or PDF with an assignment's answer
    "SERVER_CONNECTION_LIMIT": 500,  # open connections waitress keeps (academy serve)
    "SERVER_CHANNEL_TIMEOUT": 30,  # seconds a connection may send nothing before it is closed
    "COURSE_UPLOAD_MAX_MB": 200,  # a new version of the courses uploaded on the admin's "Content" page
    "BABEL_DEFAULT_LOCALE": "en",
    # Running for months (docs/deploy.md): backups, logs, health.
    "BACKUP_DIR": None,  # default: DATA_DIR/backups
    "BACKUP_KEEP": 14,  # daily backups kept; 0: academy serve takes none
    "BACKUP_INTERVAL_HOURS": 24,
    "LOG_DIR": None,  # default: DATA_DIR/logs (access.log, academy.log)
    "LOG_TO_FILES": True,
    "LOG_MAX_BYTES": 10 * 1024 * 1024,  # a log file rotates at this size...
    "LOG_BACKUPS": 5,  # ...and this many old ones are kept
    "HEALTH_MIN_FREE_MB": 500,  # /healthz fails below this much free disk in the data folder
    # Many boxes, one hub (docs/sync.md).
    "ROLE": "box",  # "hub": receives the boxes' bundles and reports over all of them
    "SYNC_MAX_BUNDLE_BYTES": 200 * 1024 * 1024,  # a bundle pushed or uploaded to a hub
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
    # The shipped courses give way to DATA_DIR/courses once `academy courses update` made it.
    app.config["SHIPPED_COURSES_DIR"] = resource("courses").resolve()
    configured = Path(app.config["COURSES_DIR"] or resource("courses")).expanduser()
    app.config["COURSES_DIR"] = courses_dir_for(configured, data_dir, app.config["SHIPPED_COURSES_DIR"])
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"] or f"sqlite:///{data_dir / 'academy.sqlite3'}"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(resource("translations"))
    if app.config["ROLE"] not in ("box", "hub"):
        raise ValueError(f"ROLE is box or hub, not {app.config['ROLE']!r}")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = read_or_create_secret(data_dir / "secret_key")


def course_upload_limit(config) -> int:
    """Bytes: the largest zip or bundle of courses the Content page takes."""
    return int(config["COURSE_UPLOAD_MAX_MB"] * 1024 * 1024)


def upload_request_limit(config) -> int:
    """The largest request an assignment's answer with its one file may be:
    the file, the answer's text and the form around them."""
    return int(config["UPLOAD_MAX_BYTES"]) + 256 * 1024


def sync_bundle_limit(config) -> int:
    """Bytes: the largest bundle a hub takes from a box (pushed or uploaded);
    a box takes none, so no more than any other request there."""
    if config.get("ROLE") == "hub":
        return int(config["SYNC_MAX_BUNDLE_BYTES"])
    return int(config["MAX_CONTENT_LENGTH"])


def read_or_create_secret(path: Path) -> str:
    """The session-signing key: made once, owner-only, kept across restarts
    so that nobody is signed out by an upgrade."""
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder: owner only
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
