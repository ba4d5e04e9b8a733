"""Enrolling, answering and "My learning". A view that records a lesson as
complete then asks the certificates whether the course is now earned: that
call goes upward on purpose, from the web layer (docs/architecture.md)."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..certificates import services as certificates
from ..cohorts import reports
from ..cohorts import services as cohorts
from ..content import lesson_view
from ..extensions import db
from ..i18n import language
from ..library import get_library
from ..messages import answer_problems, message_for
from ..web import course_or_404, lesson_or_404
from . import services

bp = Blueprint("learn", __name__)


def _course_and_lesson(course_id: str, module_id: str, lesson_id: str):
    """The course and lesson, for a learner whose cohort has opened it."""
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, module_id, lesson_id)
    if cohorts.module_opens_on(current_user, course, module_id) is not None:
        abort(403)
    return course, lesson


def _issue_certificate_if_complete(course) -> None:
    """On the request that completes a course, issue its certificate (and
    those of the learning paths it completes)."""
    issued = certificates.issue_after_completion(current_user, course, get_library())
    if issued.course is not None:
        flash(_("You completed the course. Your certificate is ready under “My learning”."), "info")
    if issued.paths:
        flash(_("You completed a learning path. Its certificate is ready under “My learning”."), "info")


@bp.post("/courses/<course_id>/enroll")
@login_required
def enroll(course_id: str):
    course = course_or_404(course_id)
    services.enroll(current_user, course)
    db.session.commit()
    progress = services.course_progress(current_user, course)
    lesson = progress.resume_lesson()
    return redirect(url_for("catalog.lesson", course_id=course.id, module_id=lesson.module_id, lesson_id=lesson.id))


@bp.post("/courses/<course_id>/<module_id>/<lesson_id>/visit")
@login_required
def visit(course_id: str, module_id: str, lesson_id: str):
    """Sent by the lesson page's script (static/js/visit.js): the GET that
    shows a lesson writes nothing."""
    course, lesson = _course_and_lesson(course_id, module_id, lesson_id)
    services.record_visit(current_user, course, lesson)
    db.session.commit()
    return "", 204


@bp.post("/courses/<course_id>/<module_id>/<lesson_id>/done")
@login_required
def done(course_id: str, module_id: str, lesson_id: str):
    course, lesson = _course_and_lesson(course_id, module_id, lesson_id)
    try:
        services.mark_done(current_user, course, lesson)
    except services.LearningError as exc:
        flash(message_for(exc), "error")
        return redirect(url_for("catalog.lesson", course_id=course.id, module_id=module_id, lesson_id=lesson_id))
    _issue_certificate_if_complete(course)
    db.session.commit()
    _, following = course.neighbours(lesson)
    if following is None:
        return redirect(url_for("catalog.course", course_id=course.id))
    return redirect(url_for("catalog.lesson", course_id=course.id, module_id=following.module_id, lesson_id=following.id))


def _wants_json() -> bool:
    """A phone sending a queued answer asks for JSON (static/js/store.js)."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _answer_refused(exc: services.LearningError):
    """The JSON reply to answers that were not recorded (422): the phone
    stops sending them and shows the message."""
    status = {"attempt-conflict": "conflict", "invalid-answers": "invalid", "unknown-question": "invalid"}
    body = {"status": status.get(exc.code, "refused"), "code": exc.code, "message": message_for(exc)}
    if exc.code == "invalid-answers":
        body["problems"] = answer_problems(exc)
    return jsonify(body), 422


def _login_required_or_401(view):
    """Like login_required, but a JSON request gets 401 instead of the
    sign-in page, so that a queued answer waits for the learner to sign in."""
    @wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated and _wants_json():
            return jsonify(status="signed-out", message=_("Please sign in; your answers are kept until then.")), 401
        return login_required(view)(*args, **kwargs)
    return checked


@bp.post("/courses/<course_id>/<module_id>/<lesson_id>/answers")
@_login_required_or_401
def submit(course_id: str, module_id: str, lesson_id: str):
    course, lesson = _course_and_lesson(course_id, module_id, lesson_id)
    secret = current_app.config["SECRET_KEY"]
    view = lesson_view(course, lesson, str(get_locale()))
    form = request.form.to_dict(flat=False)
    form.pop("csrf_token", None)
    token = (form.pop("attempt", None) or [""])[0]
    try:
        nonce = services.read_attempt_token(secret, token, current_user, course, lesson)
        attempt, created = services.submit_attempt(current_user, course, lesson, view.text.language, nonce, form)
        if not created and not services.same_answers(attempt, lesson, form):
            raise services.LearningError("attempt-conflict")  # one attempt id, other answers: refused
    except services.LearningError as exc:
        if _wants_json():
            return _answer_refused(exc)
        if exc.code != "invalid-answers":
            flash(message_for(exc), "error")
            return redirect(url_for("catalog.lesson", course_id=course.id, module_id=module_id, lesson_id=lesson_id)), 303
        # Show the lesson again with the learner's answers and what to fix.
        state = services.lesson_state(current_user, course, lesson)
        previous, following = course.neighbours(lesson)
        flash(message_for(exc), "error")
        return render_template(
            "catalog/lesson.html", course=course, module=course.module(module_id), view=view, text=view.text,
            previous=previous, following=following, state=state, problems=answer_problems(exc), submitted=form,
            attempt_token=token, content_lang=language(view.text.language), lang=view.text.language,
        ), 422
    if created:
        _issue_certificate_if_complete(course)
    elif not _wants_json():
        flash(_("These answers were already saved; here is the result."), "info")
    # Read before the commit expires the attempt: reading it afterwards would
    # open a second transaction (on SQLite: take the write lock once more).
    attempt_url, score, passed = url_for("learn.attempt", attempt_id=attempt.id), attempt.score, attempt.passed
    db.session.commit()
    if _wants_json():  # stored now (200) or already (200): the phone's queue forgets it
        return jsonify(status="recorded" if created else "duplicate", attempt_url=attempt_url, score=score, passed=passed)
    return redirect(attempt_url, 303)


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = services.attempt_for(current_user, attempt_id)
    if attempt is None:
        abort(404)
    course = get_library().get(attempt.course_id)
    lesson = course.lesson_by_key(attempt.lesson_key) if course is not None else None
    if lesson is None:  # removed or renamed since, or the course taken off the box: the result stays readable
        return render_template("learn/attempt.html", attempt=attempt, course=course, lesson=None, text=None,
                               state=None, following=None, content_lang=language(attempt.language))
    text = lesson.text(attempt.language)
    state = services.lesson_state(current_user, course, lesson)
    _, following = course.neighbours(lesson)
    return render_template(
        "learn/attempt.html", attempt=attempt, course=course, lesson=lesson, text=text, state=state,
        following=following, content_lang=language(text.language),
    )


@bp.get("/my")
@login_required
def my_learning():
    library = get_library()
    mine = reports.my_learning(current_user, library)
    held = ({c.course_id: c for c in certificates.certificates_of(current_user) if not c.is_revoked}
            if mine.courses.any_completed else {})
    return render_template("learn/my.html", progress=mine.courses.progress, certificates=held,
                           retired=mine.courses.retired, sections=mine.sections)
