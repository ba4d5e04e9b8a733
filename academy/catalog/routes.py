from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from ..cohorts import services as cohorts
from ..content import content_language, lesson_view
from ..i18n import LANGUAGES, language
from ..learn import services as learning
from ..library import get_library
from ..web import course_or_404, lesson_or_404, safe_next

bp = Blueprint("catalog", __name__)


def _ui_language() -> str:
    return str(get_locale())


@bp.get("/")
def index():
    library = get_library()
    ui = _ui_language()
    courses = sorted(library.courses.values(), key=lambda c: c.text(content_language(c, ui)).title.casefold())
    enrolled = learning.enrolled_course_ids(current_user) if current_user.is_authenticated else set()
    return render_template("catalog/index.html", courses=courses, ui=ui, enrolled=enrolled)


@bp.get("/lang/<code>")
def set_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    # This device's choice, kept in the session cookie: a GET writes nothing
    # to the database. The account's own language is set on the Account page.
    session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("catalog.index")))


@bp.get("/courses/<course_id>/")
def course(course_id: str):
    course = course_or_404(course_id)
    lang = content_language(course, _ui_language())
    progress = learning.course_progress(current_user, course) if current_user.is_authenticated else None
    return render_template("catalog/course.html", course=course, lang=lang, text=course.text(lang),
                           content_dir=language(lang).direction, progress=progress)


@bp.get("/courses/<course_id>/<module_id>/<lesson_id>")
def lesson(course_id: str, module_id: str, lesson_id: str):
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, module_id, lesson_id)
    view = lesson_view(course, lesson, _ui_language())
    previous, following = course.neighbours(lesson)
    state = token = visit_url = opens_on = None
    if current_user.is_authenticated:
        state, opens_on = cohorts.lesson_state_and_opening(current_user, course, lesson)
    if opens_on is not None:
        return render_template("catalog/not_open.html", course=course, module=course.module(module_id),
                               lang=view.text.language, opens_on=opens_on), 403
    if current_user.is_authenticated:
        if state.can_attempt and lesson.graded:
            token = learning.new_attempt_token(current_app.config["SECRET_KEY"], current_user, course, lesson)
        if learning.needs_visit_record(state, lesson):
            visit_url = url_for("learn.visit", course_id=course.id, module_id=module_id, lesson_id=lesson_id)
    return render_template(
        "catalog/lesson.html", course=course, module=course.module(module_id), view=view, text=view.text,
        previous=previous, following=following, state=state, attempt_token=token, visit_url=visit_url,
        content_lang=language(view.text.language), lang=view.text.language,
    )


@bp.get("/courses/<course_id>/media/<path:name>")
def media(course_id: str, name: str):
    course = course_or_404(course_id)
    if name not in course.media:
        abort(404)
    # The real path, every link followed, must still be in the course's own
    # media folder: a file swapped for a link after the course was read
    # (or a linked media or course folder) is never served.
    media_dir = course.path.parent.resolve() / course.path.name / "media"
    path = (media_dir / name).resolve()
    if not path.is_relative_to(media_dir) or not path.is_file():
        abort(404)
    response = send_file(path, max_age=3600)
    # An SVG opened on its own must not run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
    return response
