"""Binding the database: SQLite made safe for a box that loses power."""

from __future__ import annotations

import os
import threading
from functools import partial

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db, migrate
from .paths import resource

SYNCHRONOUS_LEVELS = ("FULL", "NORMAL", "EXTRA")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_SECONDS = 15


def _sqlite_pragmas(dbapi_connection, connection_record, synchronous: str = "FULL"):
    # WAL: readers never block the writer; foreign keys on; wait up to 15 s
    # for a lock instead of failing. synchronous=FULL syncs the WAL on every
    # commit, so a power cut loses no committed answer (NORMAL may lose the
    # last commits); bench/load.py measures what it costs.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.close()
    # Python's sqlite3 module opens transactions on its own and does not
    # understand SAVEPOINT; SQLAlchemy's recipe: the driver opens none, and
    # SQLAlchemy emits BEGIN itself (below). Services can then retry a
    # unique-key race inside a savepoint without losing the whole step.
    dbapi_connection.isolation_level = None


class WriterQueue:
    """The requests of this process that write take SQLite's write lock one
    at a time, and the next one is woken the moment the last one's
    transaction ends. Without it a writer that finds the lock taken sleeps
    in SQLite's busy handler (a few ms at first, then up to 100 ms between
    tries), so quiz answers sent together waited far longer than the
    transactions before them lasted (bench/load.py). Writers in another
    process (a CLI command) still meet SQLite's own lock and busy timeout.

    A transaction takes its place when it begins (BEGIN IMMEDIATE) and
    gives it up when its connection goes back to the pool (after COMMIT or
    ROLLBACK; the ORM session returns it at once). A writer that waited the
    busy timeout here goes on to SQLite, which decides as before."""

    def __init__(self, timeout: float = BUSY_TIMEOUT_SECONDS):
        self.timeout = timeout
        self._lock = threading.Lock()
        self._holder = None  # the (DBAPI) connection whose transaction writes
        self._holder_thread = None

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    def enter(self, connection) -> None:
        if self._holder_thread == threading.get_ident():
            return  # this thread already writes on another connection: SQLite decides
        if self._lock.acquire(timeout=self.timeout):
            self._holder, self._holder_thread = connection, threading.get_ident()

    def leave(self, connection) -> None:
        if connection is not None and connection is self._holder:
            self._holder = self._holder_thread = None
            self._lock.release()


def _sqlite_begin(connection, writers: WriterQueue | None = None):
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
        if writers is not None:
            writers.enter(connection.connection.dbapi_connection)
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
            writers = app.extensions["academy.writers"] = WriterQueue()
            event.listen(db.engine, "begin", partial(_sqlite_begin, writers=writers))
            # A connection back in the pool has ended its transaction (the
            # pool rolls back what was left open); an invalidated one too.
            event.listen(db.engine, "checkin", lambda dbapi_connection, record: writers.leave(dbapi_connection))
            event.listen(db.engine, "invalidate", lambda dbapi_connection, record, exc: writers.leave(dbapi_connection))
            event.listen(db.engine, "close", lambda dbapi_connection, record: writers.leave(dbapi_connection))


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
