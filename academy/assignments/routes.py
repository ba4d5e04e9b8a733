"""Assignments on the web: the learner writes an answer (a draft, photos or
a PDF, then hands it in), the tutor reviews it from their cohort's queue,
the admin reviews what has no tutor. Files are served only to the learner,
their tutors and admins, with headers that keep a browser from running
anything in them."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import admin_required, staff_required
from ..auth.models import User
from ..certificates import services as certificates
from ..cohorts import review as reviews
from ..cohorts import services as cohorts
from ..config import upload_request_limit
from ..content import content_language, lesson_view
from ..extensions import db
from ..i18n import language
from ..learn import assignments as answers
from ..learn import uploads
from ..learn.models import Submission, SubmissionFile
from ..learn.services import LearningError, enrollment_for
from ..library import get_library
from ..messages import message_for
from ..timeutil import utcnow
from ..web import allow_larger_bodies, course_or_404, lesson_or_404

bp = Blueprint("assignments", __name__)

#: How long "My learning" shows an accepted answer's feedback.
RECENT_DAYS = 30
#: The one view that takes a file: its requests may be as large as a photo.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


# An answer carries one photo or PDF (UPLOAD_MAX_BYTES) and its form.
allow_larger_bodies(bp, {"assignments.answer": upload_request_limit})


def _ui() -> str:
    return str(get_locale())


def _assignment_or_404(course_id: str, module_id: str, lesson_id: str, assignment_id: str):
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, module_id, lesson_id)
    if cohorts.module_opens_on(current_user, course, module_id) is not None:
        abort(403)
    assignment = lesson.source.assignment(assignment_id)
    if assignment is None:
        abort(404)
    return course, lesson, assignment


def _page(course, lesson, assignment, text: str | None = None, status: int = 200):
    view = lesson_view(course, lesson, _ui())
    shown = view.text.assignment(assignment.id) or assignment
    submission = answers.submission_for(current_user, course.id, lesson.key, assignment.id)
    return render_template(
        "assignments/page.html", course=course, lesson=lesson, module=course.module(lesson.module_id), view=view,
        assignment=shown, submission=submission, typed=text, enrolled=enrollment_for(current_user, course.id) is not None,
        content_lang=language(view.text.language), lang=view.text.language,
    ), status


def flash_issued(issued, learner_is_me: bool) -> None:
    if learner_is_me:
        if issued.course is not None:
            flash(_("You completed the course. Your certificate is ready under “My learning”."), "info")
        if issued.paths:
            flash(_("You completed a learning path. Its certificate is ready under “My learning”."), "info")
    elif issued:
        flash(_("The learner has completed the course; their certificate is issued."), "info")


# -- the learner ------------------------------------------------------------------

@bp.get("/courses/<course_id>/<module_id>/<lesson_id>/assignments/<assignment_id>")
@login_required
def page(course_id: str, module_id: str, lesson_id: str, assignment_id: str):
    course, lesson, assignment = _assignment_or_404(course_id, module_id, lesson_id, assignment_id)
    return _page(course, lesson, assignment)


@bp.post("/courses/<course_id>/<module_id>/<lesson_id>/assignments/<assignment_id>")
@login_required
def answer(course_id: str, module_id: str, lesson_id: str, assignment_id: str):
    """Save the answer as a draft, with a photo or PDF if one was chosen;
    with action=submit, hand it in. All of it or nothing: on a problem the
    page comes back with what the learner typed and what to fix."""
    course, lesson, assignment = _assignment_or_404(course_id, module_id, lesson_id, assignment_id)
    text_language = lesson_view(course, lesson, _ui()).text.language
    typed = request.form.get("text", "")
    handing_in = request.form.get("action") == "submit"
    upload = request.files.get("file")
    data_dir = current_app.config["DATA_DIR"]
    max_bytes = int(current_app.config["UPLOAD_MAX_BYTES"])
    stored = None
    try:
        answers.save_draft(current_user, course, lesson, assignment, typed, text_language)
        if upload is not None and upload.filename:
            record = answers.attach_file(current_user, course, lesson, assignment, upload.read(max_bytes + 1),
                                         data_dir, max_bytes, text_language)
            stored = record.stored_name
        elif request.form.get("action") == "attach":
            raise LearningError("no-file")
        if handing_in:
            submission = answers.submit(current_user, course, lesson, assignment, typed, text_language)
            issued = certificates.issue_after_completion(current_user, course, get_library())
        db.session.commit()
    except (LearningError, uploads.UploadError) as exc:
        db.session.rollback()
        if stored:
            answers.discard_file(data_dir, stored)
        flash(message_for(exc), "error")
        return _page(course, lesson, assignment, text=typed, status=422)
    except BaseException:
        db.session.rollback()
        if stored:
            answers.discard_file(data_dir, stored)
        raise
    if handing_in:
        if submission.review == "none":
            flash(_("Your answer is handed in. This part of the lesson is done."), "info")
        else:
            flash(_("Your answer is handed in. You will see your tutor's feedback here and on “My learning”."), "info")
        flash_issued(issued, learner_is_me=True)
    elif stored:
        flash(_("The file is added to your answer. Hand in your answer when it is ready."), "info")
    else:
        flash(_("Your draft is saved. Only you can see it until you hand it in."), "info")
    if request.form.get("from") == "page" or (stored and not handing_in):
        return redirect(url_for(".page", course_id=course.id, module_id=module_id, lesson_id=lesson_id,
                                assignment_id=assignment.id), 303)
    return redirect(url_for("catalog.lesson", course_id=course.id, module_id=module_id, lesson_id=lesson_id)
                    + f"#assignment-{assignment.id}", 303)


@bp.post("/courses/<course_id>/<module_id>/<lesson_id>/assignments/<assignment_id>/files/<int:file_id>/remove")
@login_required
def remove_file(course_id: str, module_id: str, lesson_id: str, assignment_id: str, file_id: int):
    course, lesson, assignment = _assignment_or_404(course_id, module_id, lesson_id, assignment_id)
    try:
        name = answers.remove_file(current_user, file_id)
    except LearningError as exc:
        flash(message_for(exc), "error")
    else:
        db.session.commit()
        answers.discard_file(current_app.config["DATA_DIR"], name)  # the row is gone: now the file
        flash(_("The file is removed from your answer."), "info")
    return redirect(url_for(".page", course_id=course.id, module_id=module_id, lesson_id=lesson_id,
                            assignment_id=assignment.id), 303)


@bp.get("/answers/files/<int:file_id>")
@login_required
def file(file_id: int):
    """A photo or PDF of an answer, for the learner, their tutors and admins.
    Never under the learner's file name; never run or sniffed by a browser."""
    record = db.session.get(SubmissionFile, file_id)
    if record is None or not reviews.may_view(current_user, record.submission):
        abort(404)
    path = uploads.stored_path(current_app.config["DATA_DIR"], record.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=uploads.MIME_TYPES[record.kind], as_attachment=not record.is_image,
                         download_name=f"answer-{record.id}.{uploads.EXTENSIONS[record.kind]}", max_age=0)
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.app_template_global("assignment_answers")
def assignment_answers_global(course, lesson) -> dict:
    """For the lesson page: the signed-in learner's answers, by assignment id."""
    if not current_user.is_authenticated or not lesson.assignments:
        return {}
    return answers.submissions_for_lesson(current_user, course, lesson)


@bp.app_template_global("upload_megabytes")
def upload_megabytes_global() -> int:
    return max(1, int(current_app.config["UPLOAD_MAX_BYTES"]) // (1024 * 1024))


@bp.app_template_global("reviewed_answers")
def reviewed_answers_global() -> list:
    """For "My learning": answers a tutor returned or accepted, with where
    they are (course, lesson, assignment in the reader's language)."""
    if not current_user.is_authenticated:
        return []
    library = get_library()
    found = []
    recent = utcnow() - timedelta(days=RECENT_DAYS)
    for submission in answers.reviewed_for(current_user)[:20]:
        if submission.status != "returned" and submission.reviewed_dt < recent:
            continue  # an answer to revise stays until it is handed in again; the others for a while
        course = library.get(submission.course_id)
        lesson = course.lesson_by_key(submission.lesson_key) if course else None
        if lesson is None:
            continue
        lang = content_language(course, _ui())
        found.append((submission, course, lesson, lang))
    return found


# -- reviewing --------------------------------------------------------------------

def _status_arg() -> str:
    status = request.args.get("status", "submitted")
    return status if status in reviews.QUEUE_STATUSES else "submitted"


def _queue_rows(items):
    """Queue rows with their course, lesson and assignment, in the reviewer's language."""
    library = get_library()
    rows = []
    for submission, learner in items:
        course = library.get(submission.course_id)
        lesson = course.lesson_by_key(submission.lesson_key) if course else None
        if lesson is None:
            continue  # the course or lesson is gone from the box: its answers wait for it
        lang = content_language(course, _ui())
        assignment = lesson.text(lang).assignment(submission.assignment_id) or lesson.source.assignment(submission.assignment_id)
        rows.append((submission, learner, course, lesson, assignment, lang))
    return rows


@bp.get("/cohorts/<int:cohort_id>/reviews")
@staff_required
def cohort_queue(cohort_id: int):
    cohort = cohorts.managed_cohort(current_user, cohort_id)
    if cohort is None:
        abort(404)
    status = _status_arg()
    return render_template("assignments/queue.html", cohort=cohort, status=status,
                           rows=_queue_rows(reviews.cohort_queue(cohort, status)))


@bp.get("/reviews")
@admin_required
def unassigned_queue():
    """Answers that need a review from learners in no cohort: the admins'."""
    status = _status_arg()
    return render_template("assignments/queue.html", cohort=None, status=status,
                           rows=_queue_rows(reviews.unassigned_queue(status)))


def _reviewable_or_404(submission_id: int, lock: bool = False):
    query = select(Submission).filter_by(id=submission_id)
    submission = db.session.scalar(query.with_for_update() if lock else query)
    if submission is None or not reviews.may_review(current_user, submission):
        abort(404)
    course = get_library().get(submission.course_id)
    lesson = course.lesson_by_key(submission.lesson_key) if course else None
    assignment = lesson.source.assignment(submission.assignment_id) if lesson else None
    if assignment is None:
        abort(404)
    return submission, course, lesson, assignment


@bp.route("/reviews/<int:submission_id>", methods=["GET", "POST"])
@staff_required
def review(submission_id: int):
    submission, course, lesson, assignment = _reviewable_or_404(submission_id, lock=request.method == "POST")
    learner = db.session.get(User, submission.user_id)
    cohort = reviews.cohort_of(submission)
    lang = content_language(course, _ui())
    shown = lesson.text(lang).assignment(assignment.id) or assignment
    form = {"decision": None, "feedback": "", "marks": {}}
    status = 200
    if request.method == "POST":
        marks = {c.id: {"met": True, "not-yet": False}.get(request.form.get(f"criterion-{c.id}", "")) for c in assignment.criteria}
        form = {"decision": request.form.get("decision"), "feedback": request.form.get("feedback", ""), "marks": marks}
        try:
            reviews.review(submission, current_user, course, lesson, assignment, marks, form["feedback"], form["decision"] or "")
            issued = certificates.issue_after_completion(learner, course, get_library()) \
                if form["decision"] == "accepted" else None
            db.session.commit()
        except reviews.ReviewError as exc:
            db.session.rollback()
            flash(message_for(exc), "error")
            status = 422
            submission, course, lesson, assignment = _reviewable_or_404(submission_id)
        else:
            if form["decision"] == "accepted":
                flash(_("The answer of %(name)s is accepted.", name=learner.display_name), "info")
                flash_issued(issued, learner_is_me=learner.id == current_user.id)
            else:
                flash(_("The answer is returned to %(name)s with your feedback for another try.", name=learner.display_name), "info")
            if cohort is not None:
                return redirect(url_for(".cohort_queue", cohort_id=cohort.id), 303)
            return redirect(url_for(".unassigned_queue"), 303)
    return render_template("assignments/review.html", submission=submission, learner=learner, course=course,
                           lesson=lesson, assignment=shown, cohort=cohort, lang=lang, form=form,
                           answer_lang=language(submission.language)), status


@bp.app_template_global("reviews_waiting")
def reviews_waiting_global(cohort_ids) -> dict:
    """For the cohort pages: answers waiting for a review, per cohort."""
    return reviews.waiting_counts(list(cohort_ids))
