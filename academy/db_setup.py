"""Binding the database: SQLite made safe for a box that loses power."""

from __future__ import annotations

import os
from functools import partial

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db, migrate
from .paths import resource

SYNCHRONOUS_LEVELS = ("FULL", "NORMAL", "EXTRA")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _sqlite_pragmas(dbapi_connection, connection_record, synchronous: str = "FULL"):
    # WAL: readers never block the writer; foreign keys on; wait up to 15 s
    # for a lock instead of failing. synchronous=FULL syncs the WAL on every
    # commit, so a power cut loses no committed answer (NORMAL may lose the
    # last commits); bench/load.py measures what it costs.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.close()
    # Python's sqlite3 module opens transactions on its own and does not
    # understand SAVEPOINT; SQLAlchemy's recipe: the driver opens none, and
    # SQLAlchemy emits BEGIN itself (below). Services can then retry a
    # unique-key race inside a savepoint without losing the whole step.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection):
    # A request that may write takes the write lock when its transaction
    # starts. A transaction that read first and writes later cannot wait
    # for the lock in WAL mode once another writer committed meanwhile: it
    # fails at once with "database is locked" (what made parallel quiz
    # submits answer 500). Pages that only read (GET) open no transaction:
    # each SELECT reads on its own (in WAL mode it never waits for a writer),
    # and the request saves a BEGIN and a ROLLBACK, four round trips into
    # SQLite that each let another thread take the GIL. What a GET writes
    # (the sign-in's last-seen time) is committed by that statement alone.
    if not has_request_context():
        connection.exec_driver_sql("BEGIN")
    elif request.method not in READ_ONLY_METHODS:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_private_file(path: str | os.PathLike) -> None:
    """Create an empty file readable by its owner only, unless it exists.

    SQLite takes an empty file as a new database and makes its -wal and -shm
    files with the database file's mode, so all three are 0600: they hold
    every account's password hash and every answer."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_private_file(dialect, connection_record, cargs, cparams):
    database = cargs[0] if cargs else cparams.get("database")
    if database and database != ":memory:" and not str(database).startswith("file:") and not cparams.get("uri"):
        create_private_file(database)


def init_app(app) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 15}})
        app.config["DATA_DIR"].mkdir(mode=0o700, parents=True, exist_ok=True)  # owner only
    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource("migrations")), render_as_batch=True)
    with app.app_context():
        if uri.startswith("sqlite"):
            synchronous = str(app.config["SQLITE_SYNCHRONOUS"]).upper()
            if synchronous not in SYNCHRONOUS_LEVELS:
                raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS_LEVELS)}, not {synchronous!r}")
            event.listen(db.engine, "do_connect", _sqlite_private_file)
            event.listen(db.engine, "connect", partial(_sqlite_pragmas, synchronous=synchronous))
            event.listen(db.engine, "begin", _sqlite_begin)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
