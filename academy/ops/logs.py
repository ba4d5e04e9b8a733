"""Logs that a box running for months can keep: one line per request in
``LOG_DIR/access.log`` (waitress logs no requests), and the application's
warnings and errors in ``LOG_DIR/academy.log``; both rotate by size
(``LOG_MAX_BYTES``, ``LOG_BACKUPS`` old files kept).

A request line holds no cookie, no Referer and no secret from the address:
the values of query parameters that can carry one (a certificate payload
``p``, anything named like a token, code, password or key) and the one-time
setup token and verification code in paths are replaced by ``[hidden]``.
"""

from __future__ import annotations

import logging
import re
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path
from urllib.parse import unquote

from .files import give_to_data_dir_owner

HIDDEN = "[hidden]"
_SECRET_PARAMETER = re.compile(r"^(p|.*(token|code|password|secret|key|session).*)$", re.IGNORECASE)
_SECRET_PATHS = re.compile(r"^(/setup/|/verify/)[^/?]+")
ACCESS_FORMAT = "%(asctime)s %(message)s"
APP_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Loggers whose warnings and errors go to academy.log.
APP_LOGGERS = ("academy", "waitress")


def log_dir(app) -> Path:
    return Path(app.config.get("LOG_DIR") or app.config["DATA_DIR"] / "logs").expanduser()


def _rotating_handler(path: Path, app, formatter: str) -> RotatingFileHandler:
    path.parent.mkdir(parents=True, exist_ok=True)
    give_to_data_dir_owner(app.config["DATA_DIR"], path.parent)  # made by `sudo academy ...`: still the server's
    handler = RotatingFileHandler(path, maxBytes=int(app.config["LOG_MAX_BYTES"]),
                                  backupCount=int(app.config["LOG_BACKUPS"]), encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter(formatter))
    return handler


def redact_path(path: str, query: str) -> str:
    """The request's path and query string without their secrets."""
    path = _SECRET_PATHS.sub(lambda match: match.group(1) + HIDDEN, path)
    if not query:
        return path
    parts = []
    for part in query.split("&"):
        name, equals, _value = part.partition("=")
        parts.append(f"{name}={HIDDEN}" if equals and _SECRET_PARAMETER.match(unquote(name)) else part)
    return f"{path}?{'&'.join(parts)}"


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


class AccessLog:
    """WSGI middleware: one line per request, written when the application
    has answered (status and size from its headers; the time it took)::

        2026-11-24 10:15:02,114 192.168.1.23 "GET /courses/x?lang=vi HTTP/1.1" 200 5120 35ms "Mozilla/5.0 ..."
    """

    def __init__(self, wsgi_app, handler: logging.Handler):
        self.wsgi_app = wsgi_app
        self.handler = handler
        # A logger of its own, outside the logging registry: one per app, so
        # that two apps in one process (the tests) never share a file.
        self.logger = logging.Logger("academy.access", logging.INFO)
        self.logger.addHandler(handler)

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        answer: dict = {}

        def recording_start_response(status, headers, exc_info=None):
            answer["status"] = status.split(" ", 1)[0]
            answer["length"] = next((value for name, value in headers if name.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        try:
            body = self.wsgi_app(environ, recording_start_response)
        except BaseException:
            self._log(environ, "500", "-", started)
            raise
        self._log(environ, answer.get("status", "-"), answer.get("length", "-"), started)
        return body

    def _log(self, environ, status: str, length: str, started: float) -> None:
        try:
            path = redact_path(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
            path = (environ.get("SCRIPT_NAME", "") + path).encode("latin-1").decode("utf-8", "replace")
            self.logger.info('%s "%s %s %s" %s %s %dms "%s"', environ.get("REMOTE_ADDR", "-"),
                             environ.get("REQUEST_METHOD", "-"), _quoted(path), environ.get("SERVER_PROTOCOL", "-"),
                             status, length, round((time.perf_counter() - started) * 1000),
                             _quoted(environ.get("HTTP_USER_AGENT", "-")[:200]))
        except Exception:  # a log line must never fail a request
            logging.getLogger("academy").exception("could not write the access log")


# The application log's handler. One process serves one data folder; when a
# second app is created in the same process (the tests), it takes over.
_app_handler: RotatingFileHandler | None = None


def _install_app_log(app) -> None:
    global _app_handler
    path = log_dir(app) / "academy.log"
    if _app_handler is not None and Path(_app_handler.baseFilename) == path.resolve():
        return
    handler = _rotating_handler(path, app, APP_FORMAT)
    handler.setLevel(logging.WARNING)
    _console = app.logger  # Flask adds its console handler on first use: the file comes beside it
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        if _app_handler is not None:
            logger.removeHandler(_app_handler)
        logger.addHandler(handler)
    if _app_handler is not None:
        _app_handler.close()
    _app_handler = handler


def init_app(app) -> None:
    if not app.config.get("LOG_TO_FILES", True):
        return
    app.wsgi_app = AccessLog(app.wsgi_app, _rotating_handler(log_dir(app) / "access.log", app, ACCESS_FORMAT))
    _install_app_log(app)
