"""A learner on a learning path: starting it, their progress through its
courses, and its completion (every course in ``courses`` complete; the
``optional`` ones do not count). The path certificate is issued by
``certificates.services.issue_path_certificates``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..content import Course, LearningPath
from ..domain import DomainError
from ..extensions import db
from ..timeutil import utcnow
from . import services as learning
from .models import Enrollment, PathEnrollment


class PathError(DomainError):
    pass


def path_enrollment_for(user, path_id: str) -> PathEnrollment | None:
    return db.session.scalar(select(PathEnrollment).filter_by(user_id=user.id, path_id=path_id))


def path_courses(path: LearningPath, library) -> list[Course]:
    """The path's courses (required, then optional) that this server has."""
    return [course for course_id in path.all_courses if (course := library.get(course_id)) is not None]


def enrol_in_path(user, path: LearningPath, library, now=None) -> PathEnrollment:
    """Put a learner on a path and enrol them in each of its required
    courses (the optional ones they pick themselves). Harmless twice."""
    now = now or utcnow()
    courses = [library.get(course_id) for course_id in path.courses]
    if any(course is None for course in courses):
        raise PathError("path-unavailable")
    existing = start_path(user, path, courses, now)
    update_path_completion(user, library, now)
    return existing


def start_path(user, path: LearningPath, required: list[Course], now=None) -> PathEnrollment:
    """Enrol in the path's ``required`` courses and record the learner on the
    path (what joining a cohort on a path does too)."""
    now = now or utcnow()
    for course in required:
        learning.enroll(user, course, now=now)
    existing = path_enrollment_for(user, path.id)
    if existing is None:
        try:
            with db.session.begin_nested():
                existing = PathEnrollment(user_id=user.id, path_id=path.id, enrolled_dt=now)
                db.session.add(existing)
        except IntegrityError:  # a double click
            existing = path_enrollment_for(user, path.id)
    return existing


@dataclass
class PathCourse:
    course_id: str
    course: Course | None
    progress: learning.CourseProgress | None
    optional: bool

    @property
    def is_complete(self) -> bool:
        return bool(self.progress and self.progress.enrollment and self.progress.enrollment.completed_dt)


@dataclass
class PathProgress:
    path: LearningPath
    enrollment: PathEnrollment | None
    courses: list[PathCourse] = field(default_factory=list)

    @property
    def required(self) -> list[PathCourse]:
        return [item for item in self.courses if not item.optional]

    @property
    def completed_count(self) -> int:
        return sum(1 for item in self.required if item.is_complete)

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / len(self.required)) if self.required else 0

    @property
    def is_complete(self) -> bool:
        return bool(self.required) and self.completed_count == len(self.required)

    def next_course(self) -> PathCourse | None:
        """The first required course not complete yet."""
        return next((item for item in self.required if not item.is_complete and item.course is not None), None)


def path_progress(user, path: LearningPath, library) -> PathProgress:
    enrollment = path_enrollment_for(user, path.id) if getattr(user, "is_authenticated", False) else None
    progress = PathProgress(path, enrollment)
    for course_id in path.all_courses:
        course = library.get(course_id)
        state = learning.course_progress(user, course) if course is not None and enrollment is not None else None
        progress.courses.append(PathCourse(course_id, course, state, course_id not in path.courses))
    return progress


_PATHS_OF = (select(PathEnrollment).where(PathEnrollment.user_id == bindparam("user_id"))  # "My learning": built once
             .order_by(PathEnrollment.enrolled_dt.desc()))


def my_paths(user, library) -> list[PathProgress]:
    """The paths a learner is on, most recently started first."""
    rows = db.session.scalars(_PATHS_OF, {"user_id": user.id})
    return [path_progress(user, path, library) for row in rows if (path := library.get_path(row.path_id)) is not None]


def update_path_completion(user, library, now=None) -> list[PathEnrollment]:
    """Mark the learner's paths whose required courses are all complete;
    returns the rows completed now. Called after a course completes."""
    now = now or utcnow()
    open_rows = list(db.session.scalars(select(PathEnrollment).filter_by(user_id=user.id, completed_dt=None)))
    if not open_rows:
        return []
    completed = dict(db.session.execute(
        select(Enrollment.course_id, Enrollment.completed_dt)
        .where(Enrollment.user_id == user.id, Enrollment.completed_dt.is_not(None))
    ).all())
    newly = []
    for row in open_rows:
        path = library.get_path(row.path_id)
        if path is None or not all(course_id in completed for course_id in path.courses):
            continue
        row.completed_dt = max(completed[course_id] for course_id in path.courses)
        newly.append(row)
    db.session.flush()
    return newly
