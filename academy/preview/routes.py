"""The preview's own pages and rules, registered only by
``academy.app.create_preview_app``.

Who may look: the preview is one person's, the author's. ``academy
preview`` prints an address with a random token (``PREVIEW_TOKEN``, new at
every start); opening it signs the browser in as the preview's learner and
marks its session cookie as the author's. Every other request without that
cookie gets a page saying so, also from 127.0.0.1: another account on the
same computer, a phone on the LAN when ``--host`` opens the port to it, or
a web page that makes the browser call 127.0.0.1 would otherwise read the
answer keys (docs/authoring.md, "Previewing your course").

What the author sees: the catalog, course and lesson pages as a learner
does, read from the newest files at every request, plus the answer keys
and every problem of the newest files (the templates include ``preview/``
partials where ``preview`` is set; only this blueprint's context processor
sets it). A course that cannot be read at all, and a lesson that cannot,
show their problems instead of "page not found".
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from sqlalchemy import select

from ..auth import login_sessions
from ..auth import services as accounts
from ..auth.models import User
from ..auth.routes import sign_in
from ..content import Course
from ..extensions import db
from ..learn import services as learning
from ..library import get_library, library_cache
from ..web import safe_next
from .services import lesson_key_of, preview_page

bp = Blueprint("preview", __name__, url_prefix="/preview")

AUTHOR = "preview_author"  # in the session cookie: this browser opened the printed address
#: What would write to the course folder: refused, whoever asks.
WRITES_TO_COURSES = frozenset({"admin.upload_courses", "admin.rollback_courses"})
COURSE_PAGES = frozenset({"catalog.course", "catalog.lesson"})
OPEN_TO_ALL = frozenset({"static"})


def is_author() -> bool:
    return session.get(AUTHOR) is True


@bp.before_app_request
def only_the_author():
    if request.endpoint in OPEN_TO_ALL:
        return None
    if request.endpoint in WRITES_TO_COURSES:
        return render_template("preview/refused.html"), 403
    token = request.args.get("token")
    if token is not None and hmac.compare_digest(token.encode(), current_app.config["PREVIEW_TOKEN"].encode()):
        _sign_in_author(_author() or _new_author())
        return redirect(_without_token())
    if not is_author():
        return render_template("preview/locked.html"), 403
    cache = library_cache()
    cache.refresh()  # the newest files, read once at each request
    library = cache.get()
    g.preview = preview_page(cache.version, cache.states(), library.problems)
    if request.endpoint in COURSE_PAGES:
        return _problems_instead_of_not_found(library.get(request.view_args["course_id"]))
    return None


@bp.app_context_processor
def preview_context():
    return {"preview": g.get("preview")}


@bp.after_app_request
def never_cached(response):
    """Every page may change at the next save."""
    if request.endpoint not in OPEN_TO_ALL:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/version")
def version():
    """What an open page polls (static/js/preview.js): it reloads when this changes."""
    return jsonify(version=g.preview.version)


@bp.post("/restart")
def restart():
    """A new learner in the preview: no enrolment, attempt or progress yet."""
    _sign_in_author(_new_author())
    return redirect(safe_next(request.form.get("next"), url_for("catalog.index")))


def _problems_instead_of_not_found(course: Course | None):
    """The page of a course or lesson that cannot be built shows why."""
    course_id = request.view_args["course_id"]
    state = g.preview.state(course_id)
    if state is None:
        return None  # no such course folder: the usual 404
    if course is None or not course.lessons:
        return render_template("preview/problems.html", course_id=course_id, course=course,
                               problems=state.problems)
    if request.endpoint == "catalog.lesson":
        key = f"{request.view_args['module_id']}/{request.view_args['lesson_id']}"
        problems = tuple(p for p in state.problems if lesson_key_of(p.path) == key)
        if course.lesson(*key.split("/")) is None and problems:
            return render_template("preview/problems.html", course_id=course_id, course=course, lesson_key=key,
                                   problems=problems)
    return None


def _author() -> User | None:
    """The preview's learner: the newest account of its throwaway database."""
    return db.session.scalar(select(User).order_by(User.id.desc()).limit(1))


def _new_author() -> User:
    language = str(get_locale())  # the page's language: the one chosen in this browser, else the browser's own
    count = db.session.scalar(select(db.func.count(User.id))) or 0
    user = accounts.create_user(f"author-{count + 1}", secrets.token_urlsafe(24), "Course author", language=language)
    for course in get_library().courses.values():  # ready to answer; a course added later has its Enrol button
        learning.enroll(user, course)
    return user


def _sign_in_author(user: User) -> None:
    login_sessions.start(user)
    db.session.commit()
    sign_in(user)
    session[AUTHOR] = True


def _without_token() -> str:
    query = urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "token"])
    return request.path + (f"?{query}" if query else "")
