"""A learner's answers to assignments: drafts, files, submitting, and the
lesson's completion once its assignments are done.

A lesson with an assignment is complete when every assignment is done (see
``Submission.is_done``: accepted by a reviewer, or submitted when the
assignment has ``review: none``) and, if the lesson has questions, the
learner has passed them. Reviewing is in ``academy/cohorts/review.py``.

Plain functions; they flush, the view commits. A file is stored before its
row is flushed: if the flush fails the file is removed again, and the view
that commits removes it if the commit fails (:func:`discard_file`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from ..content import Assignment, Course, Lesson
from ..extensions import db
from ..timeutil import utcnow
from . import uploads
from .models import Submission, SubmissionFile
from .services import LearningError, complete_lesson_if_done, enrollment_for

MAX_TEXT = 10_000  # characters: about four pages
MAX_FILES = 5


def submission_for(user, course_id: str, lesson_key: str, assignment_id: str) -> Submission | None:
    return db.session.scalar(select(Submission).filter_by(
        user_id=user.id, course_id=course_id, lesson_key=lesson_key, assignment_id=assignment_id))


def submissions_for_lesson(user, course: Course, lesson: Lesson) -> dict[str, Submission]:
    rows = db.session.scalars(select(Submission).filter_by(user_id=user.id, course_id=course.id, lesson_key=lesson.key))
    return {row.assignment_id: row for row in rows}


def _submission(user, course: Course, lesson: Lesson, assignment: Assignment, language: str, now) -> Submission:
    """The learner's row for an assignment, made on first use; a second
    request making it at the same moment reads the first one's row."""
    if enrollment_for(user, course.id) is None:
        raise LearningError("not-enrolled")
    row = submission_for(user, course.id, lesson.key, assignment.id)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = Submission(user_id=user.id, course_id=course.id, lesson_key=lesson.key, assignment_id=assignment.id,
                             language=language, text="", status="draft", review=assignment.review,
                             created_dt=now, updated_dt=now)
            db.session.add(row)
    except IntegrityError:
        row = submission_for(user, course.id, lesson.key, assignment.id)
    return row


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")).strip()
    if len(text) > MAX_TEXT:
        raise LearningError("answer-too-long", limit=MAX_TEXT)
    return text


def _editable(row: Submission) -> Submission:
    if not row.is_editable:
        raise LearningError("answer-locked")
    return row


def save_draft(user, course: Course, lesson: Lesson, assignment: Assignment, text: str, language: str,
               now=None) -> Submission:
    """Keep what the learner has written so far; nobody else sees a draft."""
    now = now or utcnow()
    text = _clean(text)
    row = _editable(_submission(user, course, lesson, assignment, language, now))
    row.text, row.language, row.updated_dt = text, language, now
    db.session.flush()
    return row


def submit(user, course: Course, lesson: Lesson, assignment: Assignment, text: str, language: str,
           now=None) -> Submission:
    """Hand the answer in. With ``review: none`` that completes the
    assignment; otherwise it waits for a tutor (or, for a learner in no
    cohort, an admin)."""
    now = now or utcnow()
    row = save_draft(user, course, lesson, assignment, text, language, now)
    if not row.text and not row.files:
        raise LearningError("answer-empty")
    row.status, row.review = "submitted", assignment.review
    row.round = (row.round or 0) + 1
    row.submitted_dt = now
    db.session.flush()
    if not assignment.needs_review:
        complete_lesson_if_done(user, course, lesson, now)
    return row


def attach_file(user, course: Course, lesson: Lesson, assignment: Assignment, data: bytes, data_dir: Path,
                max_bytes: int, language: str, now=None) -> SubmissionFile:
    """Check and store one photo or PDF with the learner's answer (the draft
    is made if there is none yet). Raises UploadError or LearningError;
    nothing is stored then."""
    now = now or utcnow()
    kind = uploads.check_upload(data, max_bytes)
    row = _editable(_submission(user, course, lesson, assignment, language, now))
    count = db.session.scalar(select(func.count(SubmissionFile.id)).filter_by(submission_id=row.id))
    if count >= MAX_FILES:
        raise LearningError("too-many-files", limit=MAX_FILES)
    name = uploads.store(data_dir, kind, data)
    try:
        with db.session.begin_nested():
            record = SubmissionFile(submission_id=row.id, stored_name=name, kind=kind, size=len(data), created_dt=now)
            db.session.add(record)
            row.updated_dt = now
    except BaseException:
        uploads.discard(data_dir, name)
        raise
    db.session.expire(row, ["files"])
    return record


def discard_file(data_dir: Path, record: SubmissionFile | str) -> None:
    """Remove a stored file whose row did not land (a failed commit) or was
    deleted."""
    uploads.discard(data_dir, record if isinstance(record, str) else record.stored_name)


def remove_file(user, file_id: int) -> str:
    """Take a file off the learner's own answer while it can still change.
    Returns the stored name: the view removes the file after its commit."""
    record = db.session.get(SubmissionFile, file_id)
    if record is None or record.submission.user_id != user.id:
        raise LearningError("no-such-file")
    _editable(record.submission)
    name = record.stored_name
    record.submission.updated_dt = utcnow()
    db.session.delete(record)
    db.session.flush()
    return name


_REVIEWED_FOR = (select(Submission)  # on every "My learning": built once
                 .where(Submission.user_id == bindparam("user_id"), Submission.reviewed_dt.is_not(None))
                 .order_by(Submission.reviewed_dt.desc()))


def reviewed_for(user) -> list[Submission]:
    """The learner's answers a reviewer has returned or accepted, newest
    review first: what "My learning" tells them about."""
    return list(db.session.scalars(_REVIEWED_FOR, {"user_id": user.id}))
