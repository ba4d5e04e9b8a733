"""Enrolling, grading and progress: plain functions the views, the CLI and
the tests call alike. They never touch the request or the session, and
they flush: the view or command that performs the whole step commits."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field, replace
from typing import Mapping

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, bindparam, func, select, union
from sqlalchemy.exc import IntegrityError

from ..content import QUESTION_TYPES, AnswerError, Course, Lesson, LessonText
from ..content_updates import Changes
from ..domain import DomainError
from ..extensions import db
from ..timeutil import utcnow
from ..web import Uncompressed
from .models import Attempt, Enrollment, LessonFeedback, LessonProgress, Submission

NOT_STARTED, IN_PROGRESS, COMPLETE, FAILED = "not-started", "in-progress", "complete", "failed"


class LearningError(DomainError):
    """A request the learner can fix; ``code`` picks the translated message.
    For "invalid-answers", ``details`` maps question ids to answer problems."""


# -- enrolment ------------------------------------------------------------------

# Statements that every lesson page and "My learning" run, built once (a
# statement built per call costs about as much again as running it).
_ENROLLMENT = select(Enrollment).where(Enrollment.user_id == bindparam("user_id"),
                                       Enrollment.course_id == bindparam("course_id"))
# What "My learning" reads of the learner's courses: each enrolment with
# each of its progress rows (or none), latest activity first. The cohorts
# layer adds the columns of the page's other sections to it
# (cohorts.reports.my_learning); my_courses_of reads the rows.
MY_COURSES = (
    select(Enrollment, LessonProgress)
    .outerjoin(LessonProgress, and_(LessonProgress.user_id == Enrollment.user_id,
                                    LessonProgress.course_id == Enrollment.course_id))
    .where(Enrollment.user_id == bindparam("user_id"))
    .order_by(Enrollment.last_activity_dt.desc().nullslast(), Enrollment.enrolled_dt.desc(), Enrollment.id)
)
_PROGRESS_ROWS = select(LessonProgress).where(LessonProgress.user_id == bindparam("user_id"),
                                              LessonProgress.course_id == bindparam("course_id"))
_PROGRESS_ROW = _PROGRESS_ROWS.where(LessonProgress.lesson_key == bindparam("lesson_key"))
# What lesson_state reads: the enrolment, and the lesson's progress and
# feedback rows if there are. A layer above may add columns to it
# (cohorts.services.lesson_state_and_opening).
LESSON_STATE = (
    select(Enrollment, LessonProgress, LessonFeedback)
    .outerjoin(LessonProgress, and_(LessonProgress.user_id == Enrollment.user_id,
                                    LessonProgress.course_id == Enrollment.course_id,
                                    LessonProgress.lesson_key == bindparam("lesson_key")))
    .outerjoin(LessonFeedback, and_(LessonFeedback.user_id == Enrollment.user_id,
                                    LessonFeedback.course_id == Enrollment.course_id,
                                    LessonFeedback.lesson_key == bindparam("lesson_key")))
    .where(Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id"))
)


def enrollment_for(user, course_id: str) -> Enrollment | None:
    return db.session.scalar(_ENROLLMENT, {"user_id": user.id, "course_id": course_id})


def enrolled_course_ids(user) -> set[str]:
    return set(db.session.scalars(select(Enrollment.course_id).filter_by(user_id=user.id)))


def enroll(user, course: Course, now=None) -> Enrollment:
    """Enrol a learner in a course; enrolling twice is harmless."""
    existing = enrollment_for(user, course.id)
    if existing is not None:
        return existing
    try:
        with db.session.begin_nested():
            enrollment = Enrollment(user_id=user.id, course_id=course.id, enrolled_dt=now or utcnow())
            db.session.add(enrollment)
    except IntegrityError:  # a double click raced us
        return enrollment_for(user, course.id)
    return enrollment


# -- progress -------------------------------------------------------------------

def _progress_rows(user, course_id: str) -> dict[str, LessonProgress]:
    rows = db.session.scalars(_PROGRESS_ROWS, {"user_id": user.id, "course_id": course_id})
    return {row.lesson_key: row for row in rows}


def _progress_row(user, course_id: str, lesson_key: str, now) -> LessonProgress:
    """The learner's row for a lesson, created on first use. Two requests
    creating it at once (two tabs) meet the unique key: the loser reads the
    winner's row."""
    row = db.session.scalar(_PROGRESS_ROW, {"user_id": user.id, "course_id": course_id, "lesson_key": lesson_key})
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = LessonProgress(user_id=user.id, course_id=course_id, lesson_key=lesson_key, started_dt=now)
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(_PROGRESS_ROW, {"user_id": user.id, "course_id": course_id, "lesson_key": lesson_key})
    return row


def lesson_status(lesson: Lesson, row: LessonProgress | None) -> str:
    if row is None:
        return NOT_STARTED
    if row.completed_dt is not None:
        return COMPLETE
    if lesson.graded and row.attempt_count:
        passed_waiting = lesson.assignments and row.best_score is not None and row.best_score >= lesson.pass_percent
        return IN_PROGRESS if passed_waiting else FAILED  # passed, its assignment not done yet: in progress
    return IN_PROGRESS


@dataclass
class CourseProgress:
    course: Course
    enrollment: Enrollment | None
    rows: dict[str, LessonProgress] = field(default_factory=dict)

    @property
    def enrolled(self) -> bool:
        return self.enrollment is not None

    def status(self, lesson: Lesson) -> str:
        return lesson_status(lesson, self.rows.get(lesson.key))

    def score(self, lesson: Lesson) -> float | None:
        row = self.rows.get(lesson.key)
        return row.best_score if row is not None else None

    @property
    def completed_count(self) -> int:
        return sum(1 for lesson in self.course.lessons if self.status(lesson) == COMPLETE)

    @property
    def percent(self) -> int:
        total = len(self.course.lessons)
        return round(100 * self.completed_count / total) if total else 0

    @property
    def is_complete(self) -> bool:
        return self.completed_count == len(self.course.lessons)

    @property
    def changed_since_completed(self) -> bool:
        """Completed once, but the course has new or renamed lessons since."""
        return self.enrollment is not None and self.enrollment.completed_dt is not None and not self.is_complete

    def retired_scores(self) -> list[LessonProgress]:
        """Scores in lessons the course no longer has (removed, or renamed):
        kept, and shown, but no longer counted."""
        current = {lesson.key for lesson in self.course.lessons}
        return [row for key, row in sorted(self.rows.items()) if key not in current and row.best_score is not None]

    def resume_lesson(self) -> Lesson:
        """Where the learner stopped: the last lesson opened if it is not done,
        else the first lesson not yet complete, else the first lesson."""
        lessons = self.course.lessons
        if self.enrollment and self.enrollment.last_lesson_key:
            last = self.course.lesson_by_key(self.enrollment.last_lesson_key)
            if last is not None and self.status(last) != COMPLETE:
                return last
        return next((lesson for lesson in lessons if self.status(lesson) != COMPLETE), lessons[0])


def course_progress(user, course: Course) -> CourseProgress:
    return CourseProgress(course, enrollment_for(user, course.id), _progress_rows(user, course.id))


@dataclass
class MyCourses:
    progress: list[CourseProgress]  # most recent activity first
    retired: list[Enrollment]  # in courses taken off the box: their records are kept

    @property
    def any_completed(self) -> bool:
        """Whether a course was ever completed. A course's certificate is
        issued only for a completed enrolment, and completion is never taken
        back: without one, the learner holds no course certificate."""
        return any(item.enrollment.completed_dt for item in self.progress) or any(e.completed_dt for e in self.retired)


def my_courses_of(rows, library) -> MyCourses:
    """A learner's enrolments with their progress, from the rows MY_COURSES
    reads (and any columns added after them)."""
    progress: dict[int, CourseProgress] = {}
    retired: dict[int, Enrollment] = {}
    for enrollment, row, *_added in rows:
        course = library.get(enrollment.course_id)
        if course is None:
            retired[enrollment.id] = enrollment
            continue
        item = progress.get(enrollment.id)
        if item is None:
            item = progress[enrollment.id] = CourseProgress(course, enrollment)
        if row is not None:
            item.rows[row.lesson_key] = row
    return MyCourses(list(progress.values()), list(retired.values()))


def _update_course_completion(user, course: Course, enrollment: Enrollment, now,
                              rows: dict[str, LessonProgress] | None = None) -> None:
    """``rows``: the learner's progress rows of the course, if already read."""
    if enrollment.completed_dt is None and course_progress_complete(user, course, rows):
        enrollment.completed_dt = now


def course_progress_complete(user, course: Course, rows: dict[str, LessonProgress] | None = None) -> bool:
    rows = _progress_rows(user, course.id) if rows is None else rows
    return all(rows.get(lesson.key) is not None and rows[lesson.key].completed_dt is not None for lesson in course.lessons)


@dataclass
class LessonState:
    enrollment: Enrollment | None
    progress: LessonProgress | None
    status: str
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    feedback: LessonFeedback | None = None  # the learner's rating and comment of the lesson

    @property
    def enrolled(self) -> bool:
        return self.enrollment is not None

    @property
    def can_attempt(self) -> bool:
        return self.enrolled and (self.attempts_left is None or self.attempts_left > 0)


def lesson_state(user, course: Course, lesson: Lesson) -> LessonState:
    """What a learner has done in a lesson, and said of it: read only, for
    showing a page. One query."""
    found = db.session.execute(LESSON_STATE, {"user_id": user.id, "course_id": course.id, "lesson_key": lesson.key}).first()
    return lesson_state_of(lesson, *(found if found is not None else (None, None, None)))


def lesson_state_of(lesson: Lesson, enrollment: Enrollment | None, progress: LessonProgress | None,
                    feedback: LessonFeedback | None) -> LessonState:
    """A LessonState from the rows LESSON_STATE reads."""
    used = progress.attempt_count if progress else 0
    left = None if lesson.max_attempts is None else max(lesson.max_attempts - used, 0)
    return LessonState(enrollment, progress, lesson_status(lesson, progress), used, left, feedback)


def needs_visit_record(state: LessonState, lesson: Lesson) -> bool:
    """Whether opening this lesson changes what "Continue" points to (or
    starts the lesson): only then does the page ask to record the visit."""
    return state.enrolled and (state.progress is None or state.enrollment.last_lesson_key != lesson.key)


def record_visit(user, course: Course, lesson: Lesson, now=None) -> LessonState:
    """Remember that an enrolled learner opened a lesson (for "Continue" and
    the tutor's dashboard). Called from a POST the lesson page sends, never
    from the GET that shows the lesson."""
    now = now or utcnow()
    enrollment = enrollment_for(user, course.id)
    if enrollment is not None:
        _progress_row(user, course.id, lesson.key, now)
        enrollment.last_lesson_key = lesson.key
        enrollment.last_activity_dt = now
        db.session.flush()
    return lesson_state(user, course, lesson)


def mark_done(user, course: Course, lesson: Lesson, now=None) -> LessonProgress:
    """A lesson without questions is complete when the learner says so."""
    now = now or utcnow()
    enrollment = enrollment_for(user, course.id)
    if enrollment is None:
        raise LearningError("not-enrolled")
    if lesson.graded:
        raise LearningError("graded-lesson")
    if lesson.assignments:  # complete when its assignments are done (learn/assignments.py)
        raise LearningError("assignment-lesson")
    row = _progress_row(user, course.id, lesson.key, now)
    _record_complete(user, course, enrollment, row, now)
    return row


def _record_complete(user, course: Course, enrollment: Enrollment, row: LessonProgress, now) -> None:
    """Mark a lesson's progress row complete (the first time counts), then
    the course if that was its last lesson."""
    if row.completed_dt is None:
        row.completed_dt = now
    enrollment.last_activity_dt = now
    db.session.flush()
    _update_course_completion(user, course, enrollment, now)
    db.session.flush()


# -- attempts -------------------------------------------------------------------

class _AttemptSerializer(Uncompressed, URLSafeSerializer):
    pass


def _serializer(secret_key: str) -> URLSafeSerializer:
    return _AttemptSerializer(secret_key, salt="academy.attempt")


def new_attempt_token(secret_key: str, user, course: Course, lesson: Lesson) -> str:
    """The attempt id a lesson form carries: random, and bound to this learner
    and lesson so that it cannot be replayed elsewhere."""
    return _serializer(secret_key).dumps([user.id, course.id, lesson.key, secrets.token_urlsafe(12)])


def read_attempt_token(secret_key: str, token: str, user, course: Course, lesson: Lesson) -> str:
    try:
        user_id, course_id, lesson_key, nonce = _serializer(secret_key).loads(token or "")
    except (BadSignature, ValueError, TypeError):
        raise LearningError("bad-attempt-id") from None
    if (user_id, course_id, lesson_key) != (user.id, course.id, lesson.key):
        raise LearningError("bad-attempt-id")
    return nonce


@dataclass
class Graded:
    answers: dict
    results: dict
    score: float


def grade(text: LessonText, form: Mapping[str, list[str]], source: LessonText | None = None) -> Graded:
    """Read and grade every question of a lesson from a submitted form.

    A text answer is accepted in the lesson's language or in the source
    language (a learner may know the English term).

    Raises LearningError("invalid-answers") with a code per question when an
    answer is missing or cannot be read; nothing is graded then."""
    known_fields = {f"q-{q.id}" for q in text.questions}
    known_prefixes = tuple(f"q-{q.id}-" for q in text.questions if q.type == "order")
    unknown = [name for name in form if name.startswith("q-") and name not in known_fields and not name.startswith(known_prefixes)]
    if unknown:
        raise LearningError("unknown-question")
    answers, results, problems = {}, {}, {}
    for question in text.questions:
        qtype = QUESTION_TYPES[question.type]
        if question.type == "text" and source is not None and source.question(question.id):
            question = replace(question, accept=question.accept + source.question(question.id).accept)
        try:
            answer = qtype.read_answer(question, form)
        except AnswerError as exc:
            problems[question.id] = exc.code
            continue
        if answer is None:
            problems[question.id] = "unanswered"
            continue
        answers[question.id] = answer
        results[question.id] = qtype.is_correct(question, answer)
    if problems:
        raise LearningError("invalid-answers", **problems)
    score = 100.0 * sum(results.values()) / len(results) if results else 0.0
    return Graded(answers, results, round(score, 1))


# Every quiz answer runs these: built once.
_ATTEMPT_BY_TOKEN = select(Attempt).where(Attempt.token == bindparam("token"), Attempt.user_id == bindparam("user_id"))
_LESSON_ATTEMPTS = (Attempt.user_id == bindparam("user_id"), Attempt.course_id == bindparam("course_id"),
                    Attempt.lesson_key == bindparam("lesson_key"))
# The enrolment (locked on PostgreSQL), the attempts used in the lesson and
# the attempt recorded under this id if any: one query.
_BEFORE_AN_ATTEMPT = _ENROLLMENT.add_columns(
    select(func.count(Attempt.id)).where(*_LESSON_ATTEMPTS).scalar_subquery(),
    select(Attempt.id).where(*_LESSON_ATTEMPTS, Attempt.token == bindparam("token")).scalar_subquery(),
).with_for_update(of=Enrollment)


def submit_attempt(user, course: Course, lesson: Lesson, language: str, nonce: str,
                   form: Mapping[str, list[str]], now=None) -> tuple[Attempt, bool]:
    """Record one graded attempt. Returns (attempt, created): the same form
    sent twice returns the first attempt and records nothing new."""
    now = now or utcnow()
    # One learner's submissions for a course go one at a time: the
    # enrolment row is locked (PostgreSQL; on SQLite the request's
    # BEGIN IMMEDIATE already serialises writers), so that twenty copies of
    # one form record one attempt and max_attempts holds under parallel posts.
    # An attempt id is signed for one learner and lesson: the attempt
    # recorded under it, if any, is in this lesson. Attempts are recorded
    # only for an enrolment, and enrolments stay.
    found = db.session.execute(
        _BEFORE_AN_ATTEMPT, {"user_id": user.id, "course_id": course.id, "lesson_key": lesson.key, "token": nonce}).first()
    if found is None:
        raise LearningError("not-enrolled")
    enrollment, used, existing_id = found
    if existing_id is not None:
        return db.session.get(Attempt, existing_id), False
    if not lesson.graded:
        raise LearningError("not-graded")
    text = lesson.text(language)
    if lesson.max_attempts is not None and used >= lesson.max_attempts:
        raise LearningError("no-attempts-left")
    graded = grade(text, form, lesson.source)
    rows = _progress_rows(user, course.id)  # this lesson's, and the others' for the course's completion
    savepoint = db.session.begin_nested()
    row = rows[lesson.key] = rows.get(lesson.key) or _progress_row(user, course.id, lesson.key, now)
    attempt = Attempt(  # added after the reads: the changes go to the database in one flush
        token=nonce, user_id=user.id, course_id=course.id, lesson_key=lesson.key, lesson_version=lesson.version,
        language=text.language, answers=graded.answers, results=graded.results, score=graded.score,
        passed=graded.score >= lesson.pass_percent, created_dt=now,
    )
    db.session.add(attempt)
    row.attempt_count = (row.attempt_count or 0) + 1
    row.best_score = graded.score if row.best_score is None else max(row.best_score, graded.score)
    if row.completed_dt is None and lesson_requirements_met(user, course, lesson, passed=attempt.passed):
        row.completed_dt = now
    enrollment.last_activity_dt = now
    enrollment.last_lesson_key = lesson.key
    try:
        db.session.flush()
        _update_course_completion(user, course, enrollment, now, rows)
        savepoint.commit()
    except IntegrityError:  # the same form, sent twice at the same moment
        savepoint.rollback()
        existing = db.session.scalar(_ATTEMPT_BY_TOKEN, {"token": nonce, "user_id": user.id})
        if existing is None:
            raise
        return existing, False
    return attempt, True


def attempt_for(user, attempt_id: int) -> Attempt | None:
    """A learner's own attempt; anyone else's is as if it did not exist."""
    return db.session.scalar(select(Attempt).filter_by(id=attempt_id, user_id=user.id))


def attempts_for_lesson(user, course_id: str, lesson_key: str) -> list[Attempt]:
    return list(db.session.scalars(
        select(Attempt).filter_by(user_id=user.id, course_id=course_id, lesson_key=lesson_key).order_by(Attempt.created_dt.desc())
    ))


# -- records a new version of a course no longer points at ------------------------

def learners_with_records(course_id: str, lesson_keys) -> int:
    """How many learners have progress or attempts in these lessons of a
    course (their records are kept when a lesson is removed or renamed)."""
    keys = list(lesson_keys)
    if not keys:
        return 0
    progress = select(LessonProgress.user_id).where(LessonProgress.course_id == course_id, LessonProgress.lesson_key.in_(keys))
    attempts = select(Attempt.user_id).where(Attempt.course_id == course_id, Attempt.lesson_key.in_(keys))
    return db.session.scalar(select(func.count()).select_from(union(progress, attempts).subquery()))


def learners_enrolled(course_id: str) -> int:
    return db.session.scalar(select(func.count(Enrollment.id)).filter_by(course_id=course_id))


@dataclass(frozen=True)
class Impact:
    """Who a new version of the courses affects: learners enrolled in each
    removed course, and learners with progress or attempts in each removed
    or renamed lesson (by its old key). Their records stay; the new version
    no longer counts them."""

    courses: dict[str, int]
    lessons: dict[tuple[str, str], int]


def impact_of(changes: Changes) -> Impact:
    courses = {course_id: learners_enrolled(course_id) for course_id in changes.courses_removed}
    lessons = {(course_id, key): learners_with_records(course_id, [key])
               for course_id, keys in sorted(changes.retired_lessons().items()) for key in sorted(keys)}
    return Impact(courses, lessons)


# -- copies saved on a phone, and answers sent again from its queue -------------
# (academy/offline: a phone keeps lessons and queues answers while the
# connection is down, then sends each answer again with its attempt id.)

def _as_stored(answers: dict) -> dict:
    """Answers as the database gives them back (JSON: lists, not tuples)."""
    return json.loads(json.dumps(answers))


def same_answers(attempt: Attempt, lesson: Lesson, form: Mapping[str, list[str]]) -> bool:
    """Whether a form sent again under an attempt id already recorded holds
    the answers recorded with it (a replay), or other answers (refused:
    one attempt id is one attempt)."""
    try:
        graded = grade(lesson.text(attempt.language), form, lesson.source)
    except LearningError:
        # Answers the lesson as it is now cannot read: a replay of an attempt
        # made before the lesson changed stands; otherwise they differ.
        return attempt.lesson_version != lesson.version
    return _as_stored(graded.answers) == _as_stored(attempt.answers)


# -- assignments ------------------------------------------------------------------

def lesson_requirements_met(user, course: Course, lesson: Lesson, passed: bool | None = None) -> bool:
    """The one rule for a complete lesson with questions or assignments: its
    questions passed (``passed`` says so for an attempt just graded; otherwise
    any passed attempt counts) and every assignment done. A lesson with
    neither is complete when the learner says so (``mark_done``)."""
    if lesson.graded:
        if passed is None:
            passed = db.session.scalar(select(Attempt.id).filter_by(
                user_id=user.id, course_id=course.id, lesson_key=lesson.key, passed=True).limit(1)) is not None
        if not passed:
            return False
    return assignments_done(user, course, lesson)


def complete_lesson_if_done(user, course: Course, lesson: Lesson, now=None) -> bool:
    """Record the lesson as complete when its requirements are met (after an
    answer is handed in or accepted); then the course, if that was the last
    one. Returns whether the lesson is complete."""
    now = now or utcnow()
    enrollment = enrollment_for(user, course.id)
    if enrollment is None:
        return False
    row = _progress_row(user, course.id, lesson.key, now)
    if row.completed_dt is not None:
        return True
    if not lesson_requirements_met(user, course, lesson):
        return False
    _record_complete(user, course, enrollment, row, now)
    return True


def assignments_done(user, course: Course, lesson: Lesson) -> bool:
    """Whether every assignment of a lesson is done: accepted by a reviewer,
    or submitted when it needs no review. True for a lesson without any."""
    if not lesson.assignments:
        return True
    rows = db.session.scalars(select(Submission).filter_by(user_id=user.id, course_id=course.id, lesson_key=lesson.key))
    done = {row.assignment_id for row in rows if row.is_done}
    return all(assignment.id in done for assignment in lesson.assignments)
