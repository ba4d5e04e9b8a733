"""Cohorts, their join codes, members and pacing: plain functions the views,
the CLI and the tests call alike. Sessions and attendance are in
``attendance.py``; the dashboard and reports in ``reports.py``.

They take what they need as arguments (the user, the course, today's date)
and never touch the request, the session or ``flash``; a problem the person
can fix is a :class:`CohortError` whose ``code`` picks a translated message
(``academy/messages.py``). They flush; the view that performs the step commits.

Time: calendar dates (module openings, code expiry) and session times are
the local time where the class meets, which is the box's own clock, so they
are compared with :func:`local_today` / :func:`local_now`. Activity times
recorded by the learning code are UTC and compared with ``utcnow``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..content import Course, LearningPath
from ..domain import DomainError, format_code, normalise_code, readable_code
from ..extensions import db
from ..i18n import LANGUAGES
from ..learn import learning_paths
from ..learn import services as learning
from ..learn.models import Enrollment, PathEnrollment
from ..timeutil import utcnow
from .models import PACINGS, Cohort, CohortMember, ModuleOpening, cohort_tutors

JOIN_CODE_LENGTH = 8  # 31**8: about 850 billion codes, guessing one is hopeless


class CohortError(DomainError):
    """A request the tutor or learner can fix; ``code`` picks the message."""


def local_today() -> date:
    return date.today()


def local_now() -> datetime:
    return datetime.now().replace(microsecond=0)


# -- join codes -------------------------------------------------------------------

def make_join_code() -> str:
    return readable_code(JOIN_CODE_LENGTH)


normalise_join_code = normalise_code
format_join_code = format_code


def _unused_join_code() -> str:
    while True:
        code = make_join_code()
        if db.session.scalar(select(Cohort.id).filter_by(join_code=code)) is None:
            return code


def cohort_for_code(raw: str, today: date | None = None) -> Cohort:
    """The cohort a join code opens, or CohortError unknown-code / expired-code."""
    code = normalise_join_code(raw)
    if not code:
        raise CohortError("no-code")
    cohort = db.session.scalar(select(Cohort).filter_by(join_code=code)) if len(code) <= 16 else None
    if cohort is None:
        raise CohortError("unknown-code")
    if cohort.join_code_expires_on is not None and cohort.join_code_expires_on < (today or local_today()):
        raise CohortError("expired-code")
    return cohort


def new_join_code(cohort: Cohort) -> str:
    """Replace the cohort's code; the old one stops working at once."""
    cohort.join_code = _unused_join_code()
    db.session.flush()
    return cohort.join_code


# -- what a cohort takes: a course or a learning path ------------------------------

@dataclass(frozen=True)
class PathTarget:
    """A cohort on a learning path: the path, and those of its courses this
    server has (required ones first, in order, then the optional ones).
    Its cohort's ``course_id`` is ``path:<path id>``; each member gets a
    CohortMember row per course, so that everything asked per course (the
    tutor of an answer, attendance, pacing) finds the cohort. Pacing is
    open: a path's modules have no opening dates."""

    path: LearningPath
    courses: tuple[Course, ...]

    @property
    def id(self) -> str:
        return self.path.key

    @property
    def required(self) -> tuple[Course, ...]:
        return tuple(course for course in self.courses if course.id in self.path.courses)

    @property
    def is_whole(self) -> bool:
        return len(self.required) == len(self.path.courses)

    def text(self, language: str):
        return self.path.text(language)

    @property
    def source_language(self) -> str:
        return self.path.source_language

    def has_language(self, language: str) -> bool:
        return self.path.has_language(language)


def target_for(course_id: str, library) -> Course | PathTarget | None:
    """The course, or the learning path ("path:<id>"), a cohort takes."""
    if course_id.startswith("path:"):
        path = library.get_path(course_id[len("path:"):])
        if path is None:
            return None
        return PathTarget(path, tuple(course for course_id in path.all_courses if (course := library.get(course_id))))
    return library.get(course_id)


def cohort_target(cohort: Cohort, library) -> Course | PathTarget | None:
    return target_for(cohort.course_id, library)


def target_courses(target) -> tuple[Course, ...]:
    """The courses a cohort's learners take: one, or a path's."""
    if target is None:
        return ()
    return target.courses if isinstance(target, PathTarget) else (target,)


def new_member_rows(cohort: Cohort, user, target, now) -> list:
    """The rows that put a new account (no rows of its own yet) in a cohort
    and enrol it: for a path, a member row per course, the required courses'
    enrolments and the learner on the path. Not added: the class import adds
    them in its own savepoint."""
    rows: list = []
    for course in target_courses(target):
        rows.append(CohortMember(cohort_id=cohort.id, user_id=user.id, course_id=course.id, joined_dt=now))
        if not isinstance(target, PathTarget) or course.id in target.path.courses:
            rows.append(Enrollment(user_id=user.id, course_id=course.id, enrolled_dt=now))
    if isinstance(target, PathTarget):
        rows.append(PathEnrollment(user_id=user.id, path_id=target.path.id, enrolled_dt=now))
    return rows


# -- cohorts ----------------------------------------------------------------------

def _check_cohort_fields(name: str, language: str, starts_on: date, ends_on: date, pacing: str,
                         tutors, min_attendance_percent) -> None:
    if not (name or "").strip():
        raise CohortError("no-name")
    if language not in LANGUAGES:
        raise CohortError("bad-language", language=language)
    if ends_on < starts_on:
        raise CohortError("ends-before-start")
    if pacing not in PACINGS:
        raise CohortError("bad-pacing")
    if not tutors or any(not t.is_tutor for t in tutors):
        raise CohortError("bad-tutors")
    if min_attendance_percent is not None and not 0 <= min_attendance_percent <= 100:
        raise CohortError("bad-percent")


def default_openings(course: Course, starts_on: date, ends_on: date) -> dict[str, date]:
    """Modules spread evenly from the start date to the end date: the first
    opens on the first day."""
    count = len(course.modules)
    span = (ends_on - starts_on).days
    return {module.id: starts_on + timedelta(days=span * index // count)
            for index, module in enumerate(course.modules)}


def create_cohort(course: Course, name: str, language: str, starts_on: date, ends_on: date, tutors,
                  pacing: str = "open", min_attendance_percent: int | None = None,
                  join_code_expires_on: date | None = None, now=None, *, organisation_id: int | None = None) -> Cohort:
    """A new cohort with a fresh join code. With scheduled pacing the modules
    get evenly spread opening dates, which the tutor can then change."""
    _check_cohort_fields(name, language, starts_on, ends_on, pacing, tutors, min_attendance_percent)
    if isinstance(course, PathTarget) and pacing == "scheduled":
        raise CohortError("path-pacing")
    cohort = Cohort(
        course_id=course.id, name=name.strip()[:200], language=language, starts_on=starts_on, ends_on=ends_on,
        pacing=pacing, join_code=_unused_join_code(), join_code_expires_on=join_code_expires_on,
        min_attendance_percent=min_attendance_percent, created_dt=now or utcnow(), tutors=list(tutors),
        organisation_id=organisation_id,
    )
    db.session.add(cohort)
    if pacing == "scheduled":
        _fill_missing_openings(cohort, course)
    db.session.flush()
    return cohort


_KEEP = object()


def update_cohort(cohort: Cohort, course: Course | None, name: str, language: str, starts_on: date, ends_on: date,
                  tutors, pacing: str, min_attendance_percent: int | None, join_code_expires_on: date | None,
                  *, organisation_id=_KEEP) -> None:
    """Change a cohort's settings (its course stays the same; its
    organisation too unless ``organisation_id`` is given)."""
    _check_cohort_fields(name, language, starts_on, ends_on, pacing, tutors, min_attendance_percent)
    if cohort.path_id is not None and pacing == "scheduled":
        raise CohortError("path-pacing")
    cohort.name, cohort.language = name.strip()[:200], language
    cohort.starts_on, cohort.ends_on, cohort.pacing = starts_on, ends_on, pacing
    cohort.tutors = list(tutors)
    cohort.min_attendance_percent = min_attendance_percent
    cohort.join_code_expires_on = join_code_expires_on
    if organisation_id is not _KEEP:
        cohort.organisation_id = organisation_id
    if pacing == "scheduled" and course is not None and not cohort.openings:
        _fill_missing_openings(cohort, course)
    db.session.flush()


def _fill_missing_openings(cohort: Cohort, course: Course) -> None:
    have = {o.module_id for o in cohort.openings}
    for module_id, opens_on in default_openings(course, cohort.starts_on, cohort.ends_on).items():
        if module_id not in have:
            cohort.openings.append(ModuleOpening(module_id=module_id, opens_on=opens_on))


def set_module_openings(cohort: Cohort, course: Course, dates: dict[str, date | None]) -> None:
    """Set the opening date of each module; None: open from the start."""
    known = {module.id for module in course.modules}
    unknown = set(dates) - known
    if unknown:
        raise CohortError("unknown-module", module=sorted(unknown)[0])
    by_module = {o.module_id: o for o in cohort.openings}
    for module_id, opens_on in dates.items():
        row = by_module.get(module_id)
        if opens_on is None:
            if row is not None:
                cohort.openings.remove(row)
        elif row is None:
            cohort.openings.append(ModuleOpening(module_id=module_id, opens_on=opens_on))
        else:
            row.opens_on = opens_on
    db.session.flush()


def cohorts_for(user) -> list[Cohort]:
    """The cohorts a person may manage: all for an admin, their own for a tutor."""
    query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)
    if not user.is_admin:
        query = query.join(cohort_tutors, cohort_tutors.c.cohort_id == Cohort.id).where(cohort_tutors.c.user_id == user.id)
    return list(db.session.scalars(query))


def managed_cohort(user, cohort_id: int) -> Cohort | None:
    """The cohort if ``user`` may see and change it, else None."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not user.is_tutor:
        return None
    if user.is_admin:
        return cohort
    tutors = db.session.scalar(select(func.count()).select_from(cohort_tutors).where(
        cohort_tutors.c.cohort_id == cohort_id, cohort_tutors.c.user_id == user.id))
    return cohort if tutors else None


def member_counts(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    return dict(db.session.execute(
        select(CohortMember.cohort_id, func.count(CohortMember.user_id.distinct()))
        .where(CohortMember.cohort_id.in_(cohort_ids)).group_by(CohortMember.cohort_id)
    ).all())


# -- whose account a tutor manages --------------------------------------------------
#
# An admin manages every account. A tutor manages learners only, and of
# those only the members of a cohort they tutor and the accounts they made
# themselves ("People" or a class list): they see them in "People" and may
# reset their passwords. A learner in another tutor's cohort, or in none,
# is not theirs.

def _managed_by_tutor(staff):
    tutored = select(cohort_tutors.c.cohort_id).where(cohort_tutors.c.user_id == staff.id)
    members = select(CohortMember.user_id).where(CohortMember.cohort_id.in_(tutored))
    return and_(User.role == "learner", or_(User.id.in_(members), User.created_by_id == staff.id))


def learners_managed_by(staff) -> list[User]:
    """The accounts ``staff`` may see and reset, by name. Nobody's for a learner."""
    query = select(User).order_by(User.display_name, User.id)
    if not staff.is_admin:
        if not staff.is_tutor:
            return []
        query = query.where(_managed_by_tutor(staff))
    return list(db.session.scalars(query))


def may_manage(staff, user) -> bool:
    """Whether ``staff`` may see and reset ``user``'s account. One query for a tutor."""
    if staff.is_admin:
        return True
    if not staff.is_tutor:
        return False
    return db.session.scalar(select(User.id).where(User.id == user.id, _managed_by_tutor(staff))) is not None


def tutor_choices() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(("tutor", "admin"))).order_by(User.display_name)))


# -- members ----------------------------------------------------------------------

def membership_for(user, course_id: str) -> CohortMember | None:
    return db.session.scalar(select(CohortMember).filter_by(user_id=user.id, course_id=course_id))


def join_cohort(user, cohort: Cohort, course: Course | None, now=None) -> CohortMember:
    """Put a learner in a cohort and enrol them in its course. Joining again
    is harmless; a learner is in one cohort per course. ``course`` is the
    cohort's target (:func:`cohort_target`): a course or a PathTarget."""
    if isinstance(course, PathTarget):
        return _join_path_cohort(user, cohort, course, now)
    if course is None or course.id != cohort.course_id:
        raise CohortError("course-unavailable")
    existing = membership_for(user, cohort.course_id)
    if existing is not None and existing.cohort_id != cohort.id:
        raise CohortError("in-another-cohort", cohort=existing.cohort.name)
    if existing is None:
        existing = CohortMember(cohort_id=cohort.id, user_id=user.id, course_id=cohort.course_id,
                                joined_dt=now or utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(existing)
        except IntegrityError:  # the same code sent twice at once
            existing = membership_for(user, cohort.course_id)
            if existing is None or existing.cohort_id != cohort.id:
                raise CohortError("in-another-cohort", cohort=existing.cohort.name if existing else "") from None
    learning.enroll(user, course, now=now)
    return existing


def _join_path_cohort(user, cohort: Cohort, target: PathTarget, now=None) -> CohortMember:
    """A member row for each course of the path (one cohort per course
    still holds), the required courses' enrolments, the learner on the path."""
    if target.id != cohort.course_id or not target.is_whole:
        raise CohortError("course-unavailable")
    now = now or utcnow()
    first = None
    for course in target.courses:
        existing = membership_for(user, course.id)
        if existing is not None and existing.cohort_id != cohort.id:
            raise CohortError("in-another-cohort", cohort=existing.cohort.name)
        if existing is None:
            try:
                with db.session.begin_nested():
                    existing = CohortMember(cohort_id=cohort.id, user_id=user.id, course_id=course.id, joined_dt=now)
                    db.session.add(existing)
            except IntegrityError:  # the same code sent twice at once
                existing = membership_for(user, course.id)
                if existing is None or existing.cohort_id != cohort.id:
                    raise CohortError("in-another-cohort", cohort=existing.cohort.name if existing else "") from None
        first = first or existing
    learning_paths.start_path(user, target.path, list(target.required), now)
    return first


def remove_member(cohort: Cohort, user_id: int) -> None:
    """Take a learner out of a cohort. Their enrolment, progress and the
    attendance already recorded stay."""
    db.session.execute(delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id))
    db.session.flush()


def members_of(cohort: Cohort) -> list[tuple[CohortMember, User]]:
    """Members with their accounts, in one query, sorted by name (once each,
    though a cohort on a path has a row per course)."""
    rows = db.session.execute(
        select(CohortMember, User).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id).order_by(CohortMember.id)
    ).all()
    once = {u.id: (m, u) for m, u in reversed(rows)}  # the first row of each learner
    return sorted(once.values(), key=lambda mu: (mu[1].display_name.casefold(), mu[1].id))


def member_of(cohort: Cohort, user_id: int) -> tuple[CohortMember, User] | None:
    row = db.session.execute(
        select(CohortMember, User).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id).order_by(CohortMember.id)
    ).first()
    return (row[0], row[1]) if row else None


def member_ids_query(cohort_id: int):
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id).scalar_subquery()


# -- pacing -----------------------------------------------------------------------

# Every lesson page of a signed-in learner asks: built once.
_MODULE_OPENS_ON = (
    select(ModuleOpening.opens_on)
    .join(CohortMember, CohortMember.cohort_id == ModuleOpening.cohort_id)
    .join(Cohort, Cohort.id == ModuleOpening.cohort_id)
    .where(CohortMember.user_id == bindparam("user_id"), CohortMember.course_id == bindparam("course_id"),
           ModuleOpening.module_id == bindparam("module_id"), Cohort.pacing == "scheduled")
)


def module_opens_on(user, course, module_id: str, today: date | None = None) -> date | None:
    """The date a module opens for this learner if it is not open yet
    (scheduled pacing in their cohort), else None. One query."""
    if not getattr(user, "is_authenticated", False) or course is None:
        return None
    opens_on = db.session.scalar(_MODULE_OPENS_ON, {"user_id": user.id, "course_id": course.id, "module_id": module_id})
    return opens_on if opens_on is not None and opens_on > (today or local_today()) else None


# A lesson page's one query: the learner's state in the lesson and the date
# its module opens for them (None when not scheduled).
_LESSON_STATE_AND_OPENING = learning.LESSON_STATE.add_columns(_MODULE_OPENS_ON.limit(1).scalar_subquery())


def lesson_state_and_opening(user, course: Course, lesson, today: date | None = None
                             ) -> tuple[learning.LessonState, date | None]:
    """learning.lesson_state and module_opens_on together: one query for an
    enrolled learner (a cohort's members are enrolled), two otherwise."""
    found = db.session.execute(_LESSON_STATE_AND_OPENING, {
        "user_id": user.id, "course_id": course.id, "lesson_key": lesson.key, "module_id": lesson.module_id}).first()
    if found is None:  # not enrolled: no row to carry the date
        return learning.lesson_state_of(lesson, None, None, None), module_opens_on(user, course, lesson.module_id, today)
    enrollment, progress, feedback, opens_on = found
    state = learning.lesson_state_of(lesson, enrollment, progress, feedback)
    return state, (opens_on if opens_on is not None and opens_on > (today or local_today()) else None)


def opening_dates(cohort: Cohort) -> dict[str, date]:
    """Module id -> opening date, when the cohort's pacing is scheduled."""
    if not cohort.is_scheduled:
        return {}
    return {o.module_id: o.opens_on for o in cohort.openings}
