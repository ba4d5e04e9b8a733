"""Writers of one process take SQLite's write lock one after the other
(academy/db_setup.py WriterQueue): the next one goes on as soon as the last
transaction ends, by commit or by rollback; pages that only read never wait."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, text

from academy.extensions import db


def writer(app, started: threading.Event, release: threading.Event, steps: list, name: str, end: str = "commit"):
    """A POST request's transaction: it begins, waits for ``release``, ends."""
    def run():
        with app.test_request_context(method="POST"):
            db.session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE
            steps.append(f"{name} writes")
            started.set()
            release.wait(10)
            steps.append(f"{name} ends")
            getattr(db.session, end)()
            db.session.remove()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def impatient_sqlite(app):
    """SQLite's busy handler off: a writer that finds the write lock taken
    fails at once, so only the queue can make the second writer wait."""
    def no_busy_wait(dbapi_connection, record, proxy):
        dbapi_connection.execute("PRAGMA busy_timeout=0")
    event.listen(db.engine, "checkout", no_busy_wait)
    yield
    event.remove(db.engine, "checkout", no_busy_wait)


@pytest.mark.parametrize("end", ["commit", "rollback"])
def test_a_second_writer_goes_on_when_the_first_transaction_ends(app, impatient_sqlite, end):
    steps: list[str] = []
    first_started, second_started, release_first, release_second = (threading.Event() for _ in range(4))
    first = writer(app, first_started, release_first, steps, "first", end=end)
    assert first_started.wait(10)
    second = writer(app, second_started, release_second, steps, "second")
    assert not second_started.wait(0.3)  # waiting for the first, in the queue
    release_first.set()
    assert second_started.wait(10)
    release_second.set()
    first.join(10)
    second.join(10)
    assert steps == ["first writes", "first ends", "second writes", "second ends"]


def test_a_page_that_only_reads_does_not_wait_for_a_writer(app):
    steps: list[str] = []
    started, release = threading.Event(), threading.Event()
    holder = writer(app, started, release, steps, "writer")
    assert started.wait(10)
    try:
        with app.test_request_context(method="GET"):
            assert db.session.execute(text("SELECT 1")).scalar() == 1
            db.session.remove()
    finally:
        release.set()
        holder.join(10)
    assert not app.extensions["academy.writers"].busy
