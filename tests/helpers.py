"""Helpers the tests share (plain functions, not fixtures)."""

from __future__ import annotations

import re
import secrets
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from academy.certificates import services as certificates
from academy.cohorts import review
from academy.extensions import db
from academy.learn import assignments
from academy.learn import services as learning


class FixedLibrary:
    """The shipped courses, read once for the whole session (reading them
    takes most of a test's setup time); the parsed library is immutable.
    Stands in for the app's reloading library: ``get()`` returns it."""

    def __init__(self, library):
        self.library = library

    def get(self):
        return self.library


#: The password hash of accounts a test writes straight into the table: of
#: "not used", cheap to check (scrypt costs 0.1 s a hash).
CHEAP_PASSWORD_HASH = generate_password_hash("not used", method="pbkdf2:sha256:1000")


def serve_copies(app, folder: Path, *course_folders: Path) -> Path:
    """Copy these course folders into ``folder`` and have the app serve it,
    reading it again on every request (a test edits the files)."""
    from academy.library import LibraryCache

    for source in course_folders:
        shutil.copytree(source, folder / source.name)
    app.extensions["academy.library"] = LibraryCache(folder, app.config["LANGUAGES"], 0, app.logger)
    return folder


def statements_sent(work) -> list[str]:
    """The SQL statements ``work()`` sends to the database."""
    from sqlalchemy import event

    seen = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def shipped_courses() -> list[str]:
    """The ids of the sample courses in the checkout's courses/ folder."""
    courses = Path(__file__).resolve().parent.parent / "courses"
    return sorted(folder.name for folder in courses.iterdir() if (folder / "course.yml").is_file())


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def lesson_url(course, lesson) -> str:
    return f"/courses/{course.id}/{lesson.module_id}/{lesson.id}"


def attempt_token(page_html: str) -> str:
    match = re.search(r'name="attempt" value="([^"]+)"', page_html)
    assert match, "no attempt id in the lesson form"
    return match.group(1)


def answers_for(text, correct: bool = True) -> dict:
    """A form answering every question of a lesson, from the lesson's own
    answer keys (right), or with a wrong answer for each (wrong)."""
    form: dict = {}
    for q in text.questions:
        name = f"q-{q.id}"
        if q.type == "single":
            choice = next(c for c in q.choices if c.correct is correct)
            form[name] = choice.id
        elif q.type == "multiple":
            ids = [c.id for c in q.choices if c.correct]
            form[name] = ids if correct else [c.id for c in q.choices if not c.correct][:1] or ids[:-1]
        elif q.type == "truefalse":
            form[name] = str(q.answer if correct else not q.answer).lower()
        elif q.type == "text":
            form[name] = q.accept[0] if correct else "certainly not this"
        elif q.type == "number":
            form[name] = repr(q.answer if correct else q.answer + q.tolerance + 1000)
        elif q.type == "order":
            ids = [c.id for c in q.choices]
            if not correct:
                ids = ids[::-1]
            for position, item_id in enumerate(ids, start=1):
                form[f"{name}-{item_id}"] = str(position)
    return form


def complete_course(user, course, reviewer=None):
    """Take every lesson (see :func:`take_whole_course`), then issue the
    certificate as the view that records the last lesson does, and commit."""
    take_whole_course(user, course, reviewer, course.source_language)
    certificates.issue_if_eligible(user, course)
    db.session.commit()


class CsrfClient(FlaskClient):
    """A browser-like client: ``post`` sends the CSRF token the way a form
    from one of our pages would. ``post(..., csrf=False)`` leaves it out."""

    def csrf_token(self) -> str:
        # Any page with a form will do; a learner who must change their
        # password is sent to that page from everywhere else.
        for url in ("/login", "/account/password"):
            match = CSRF_RE.search(self.get(url).get_data(as_text=True))
            if match:
                return match.group(1)
        raise AssertionError("no page with a CSRF token")

    def open(self, *args, **kwargs):
        # Services flush and leave the commit to whoever performs the step:
        # in a test that is the test itself, so what it set up is committed
        # before the browser's next request, as a finished step would be.
        # Each request gets its own application context, as in production:
        # a fresh `g` and its own database session. Afterwards the test's
        # session forgets what it loaded, so it reads what the request wrote.
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = kwargs.get("data")
            data = {} if data is None else data
            if isinstance(data, dict) and "csrf_token" not in data:
                data = {**data, "csrf_token": self.csrf_token()}
            kwargs["data"] = data
        return super().post(*args, **kwargs)


def in_parallel(count: int, work) -> list:
    """``work(i)`` for i in range(count), each in its own thread, all
    released at the same moment; their results in order."""
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


class ServerThread:
    """A waitress server running in a thread, stopped cleanly: closing the
    server's sockets while its loop waits in select() makes the loop fail
    with "bad file descriptor", which is the stop we asked for, not an error."""

    def __init__(self, server):
        self.server = server
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.server.run()
        except OSError:
            if not self.stopping.is_set():
                raise

    def stop(self):
        self.stopping.set()
        self.server.close()
        self.thread.join(10)


def take_whole_course(user, course, reviewer=None, language: str = "en") -> None:
    """Take every lesson of a course through the real services: quizzes
    answered right, assignments handed in (and accepted by ``reviewer`` where
    they need a review), other lessons marked done. Flushes; the caller commits."""
    learning.enroll(user, course)
    for lesson in course.lessons:
        if lesson.graded:
            form = {k: v if isinstance(v, list) else [v] for k, v in answers_for(lesson.source).items()}
            learning.submit_attempt(user, course, lesson, language, secrets.token_hex(8), form)
        for assignment in lesson.assignments:
            submission = assignments.submit(user, course, lesson, assignment, "My answer, in my own words.", language)
            if assignment.needs_review:
                marks = {criterion.id: True for criterion in assignment.criteria}
                review.review(submission, reviewer, course, lesson, assignment, marks, "Well done.", "accepted")
        if not lesson.graded and not lesson.assignments:
            learning.mark_done(user, course, lesson)
