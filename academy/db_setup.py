"""Binding the database: SQLite made safe for a box that loses power."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db, migrate
from .paths import resource


def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL: readers never block the writer and a crash loses no committed
    # answer; foreign keys on; wait up to 15 s for a lock instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app) -> None:
    from . import models  # noqa: F401 - every table registered before Alembic looks

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
        app.config["DATA_DIR"].mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource("migrations")), render_as_batch=True)
    with app.app_context():
        if uri.startswith("sqlite"):
            event.listen(db.engine, "connect", _sqlite_pragmas)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
