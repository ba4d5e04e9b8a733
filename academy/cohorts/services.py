"""Cohorts: plain functions the views, the CLI and the tests call alike.

They take what they need as arguments (the user, the course, today's date)
and never touch the request, the session or ``flash``; a problem the person
can fix is a :class:`CohortError` whose ``code`` picks a translated message
(``messages.py``).

Time: calendar dates (module openings, code expiry) and session times are
the local time where the class meets, which is the box's own clock, so they
are compared with :func:`local_today` / :func:`local_now`. Activity times
recorded by the learning code are UTC and compared with ``utcnow``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, delete, func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..domain import DomainError, format_code, normalise_code, readable_code
from ..content import Course, Lesson, normalise_text
from ..extensions import db
from ..i18n import LANGUAGES
from ..learn import services as learning
from ..learn.models import Attempt, Enrollment, LessonProgress
from ..timeutil import utcnow
from .models import (
    ATTENDANCE_STATUSES, MODALITIES, PACINGS, Attendance, Cohort, CohortMember, CohortSession, ModuleOpening,
    cohort_tutors,
)

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
    db.session.commit()
    return cohort.join_code


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
                  join_code_expires_on: date | None = None, now=None) -> Cohort:
    """A new cohort with a fresh join code. With scheduled pacing the modules
    get evenly spread opening dates, which the tutor can then change."""
    _check_cohort_fields(name, language, starts_on, ends_on, pacing, tutors, min_attendance_percent)
    cohort = Cohort(
        course_id=course.id, name=name.strip()[:200], language=language, starts_on=starts_on, ends_on=ends_on,
        pacing=pacing, join_code=_unused_join_code(), join_code_expires_on=join_code_expires_on,
        min_attendance_percent=min_attendance_percent, created_dt=now or utcnow(), tutors=list(tutors),
    )
    db.session.add(cohort)
    if pacing == "scheduled":
        _fill_missing_openings(cohort, course)
    db.session.commit()
    return cohort


def update_cohort(cohort: Cohort, course: Course | None, name: str, language: str, starts_on: date, ends_on: date,
                  tutors, pacing: str, min_attendance_percent: int | None, join_code_expires_on: date | None) -> None:
    """Change a cohort's settings (its course stays the same)."""
    _check_cohort_fields(name, language, starts_on, ends_on, pacing, tutors, min_attendance_percent)
    cohort.name, cohort.language = name.strip()[:200], language
    cohort.starts_on, cohort.ends_on, cohort.pacing = starts_on, ends_on, pacing
    cohort.tutors = list(tutors)
    cohort.min_attendance_percent = min_attendance_percent
    cohort.join_code_expires_on = join_code_expires_on
    if pacing == "scheduled" and course is not None and not cohort.openings:
        _fill_missing_openings(cohort, course)
    db.session.commit()


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
    db.session.commit()


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
        select(CohortMember.cohort_id, func.count(CohortMember.id))
        .where(CohortMember.cohort_id.in_(cohort_ids)).group_by(CohortMember.cohort_id)
    ).all())


def tutor_choices() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role.in_(("tutor", "admin"))).order_by(User.display_name)))


# -- members ----------------------------------------------------------------------

def membership_for(user, course_id: str) -> CohortMember | None:
    return db.session.scalar(select(CohortMember).filter_by(user_id=user.id, course_id=course_id))


def join_cohort(user, cohort: Cohort, course: Course | None, now=None) -> CohortMember:
    """Put a learner in a cohort and enrol them in its course. Joining again
    is harmless; a learner is in one cohort per course."""
    if course is None or course.id != cohort.course_id:
        raise CohortError("course-unavailable")
    existing = membership_for(user, cohort.course_id)
    if existing is not None and existing.cohort_id != cohort.id:
        raise CohortError("in-another-cohort", cohort=existing.cohort.name)
    if existing is None:
        existing = CohortMember(cohort_id=cohort.id, user_id=user.id, course_id=cohort.course_id,
                                joined_dt=now or utcnow())
        db.session.add(existing)
        try:
            db.session.flush()
        except IntegrityError:  # the same code sent twice at once
            db.session.rollback()
            existing = membership_for(user, cohort.course_id)
            if existing is None or existing.cohort_id != cohort.id:
                raise CohortError("in-another-cohort", cohort=existing.cohort.name if existing else "") from None
    learning.enroll(user, course, now=now)
    db.session.commit()  # enroll() does not commit when the learner was already enrolled
    return existing


def remove_member(cohort: Cohort, user_id: int) -> None:
    """Take a learner out of a cohort. Their enrolment, progress and the
    attendance already recorded stay."""
    db.session.execute(delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id))
    db.session.commit()


def members_of(cohort: Cohort) -> list[tuple[CohortMember, User]]:
    """Members with their accounts, in one query, sorted by name."""
    rows = db.session.execute(
        select(CohortMember, User).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id)
    ).all()
    return sorted(((m, u) for m, u in rows), key=lambda mu: (mu[1].display_name.casefold(), mu[1].id))


def _member_ids(cohort_id: int):
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id).scalar_subquery()


# -- pacing -----------------------------------------------------------------------

def module_opens_on(user, course, module_id: str, today: date | None = None) -> date | None:
    """The date a module opens for this learner if it is not open yet
    (scheduled pacing in their cohort), else None. One query."""
    if not getattr(user, "is_authenticated", False) or course is None:
        return None
    opens_on = db.session.scalar(
        select(ModuleOpening.opens_on)
        .join(CohortMember, CohortMember.cohort_id == ModuleOpening.cohort_id)
        .join(Cohort, Cohort.id == ModuleOpening.cohort_id)
        .where(CohortMember.user_id == user.id, CohortMember.course_id == course.id,
               ModuleOpening.module_id == module_id, Cohort.pacing == "scheduled")
    )
    return opens_on if opens_on is not None and opens_on > (today or local_today()) else None


def opening_dates(cohort: Cohort) -> dict[str, date]:
    """Module id -> opening date, when the cohort's pacing is scheduled."""
    if not cohort.is_scheduled:
        return {}
    return {o.module_id: o.opens_on for o in cohort.openings}


# -- sessions and attendance ------------------------------------------------------

def add_session(cohort: Cohort, starts_dt: datetime, modality: str, place: str = "") -> CohortSession:
    if modality not in MODALITIES:
        raise CohortError("bad-modality")
    session = CohortSession(cohort_id=cohort.id, starts_dt=starts_dt.replace(second=0, microsecond=0),
                            modality=modality, place=(place or "").strip()[:300])
    db.session.add(session)
    db.session.commit()
    return session


def session_of(cohort: Cohort, session_id: int) -> CohortSession | None:
    return db.session.scalar(select(CohortSession).filter_by(id=session_id, cohort_id=cohort.id))


def delete_session(session: CohortSession) -> None:
    db.session.delete(session)
    db.session.commit()


def attendance_for_session(session: CohortSession) -> dict[int, str]:
    return dict(db.session.execute(select(Attendance.user_id, Attendance.status).filter_by(session_id=session.id)).all())


def record_attendance(session: CohortSession, statuses: dict[int, str], now=None) -> int:
    """Record present/absent/excused for members of the session's cohort;
    returns how many rows changed. A learner left out keeps what was recorded."""
    members = set(db.session.scalars(select(CohortMember.user_id).filter_by(cohort_id=session.cohort_id)))
    for user_id, status in statuses.items():
        if status not in ATTENDANCE_STATUSES:
            raise CohortError("bad-attendance-status")
        if user_id not in members:
            raise CohortError("not-a-member")
    now = now or utcnow()
    existing = {row.user_id: row for row in db.session.scalars(select(Attendance).filter_by(session_id=session.id))}
    changed = 0
    for user_id, status in statuses.items():
        row = existing.get(user_id)
        if row is None:
            db.session.add(Attendance(session_id=session.id, user_id=user_id, status=status, recorded_dt=now))
        elif row.status != status:
            row.status, row.recorded_dt = status, now
        else:
            continue
        changed += 1
    db.session.commit()
    return changed


def mark_everyone_present(session: CohortSession, now=None) -> int:
    """Present for every member not recorded yet (the tutor then corrects)."""
    recorded = set(attendance_for_session(session))
    members = db.session.scalars(select(CohortMember.user_id).filter_by(cohort_id=session.cohort_id))
    return record_attendance(session, {uid: "present" for uid in members if uid not in recorded}, now)


@dataclass(frozen=True)
class AttendanceShare:
    present: int  # in-person sessions held so far that the learner attended
    held: int  # in-person sessions held so far

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.held) if self.held else None

    def meets(self, required: int | None) -> bool:
        return required is None or not self.held or 100 * self.present >= required * self.held


def attendance_requirement_met(user, course_id: str, now: datetime | None = None) -> bool:
    """True when the learner's cohort for this course sets no attendance
    requirement, or they were present at least at that share of the
    in-person sessions held so far (sessions still to come do not count).
    A learner in no cohort has no requirement. The certificates call this."""
    row = db.session.execute(
        select(Cohort.id, Cohort.min_attendance_percent).join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id, CohortMember.course_id == course_id)
    ).first()
    if row is None or row.min_attendance_percent is None:
        return True
    held, present = db.session.execute(
        select(func.count(CohortSession.id), func.count(Attendance.id))
        .select_from(CohortSession)
        .outerjoin(Attendance, and_(Attendance.session_id == CohortSession.id, Attendance.user_id == user.id,
                                    Attendance.status == "present"))
        .where(CohortSession.cohort_id == row.id, CohortSession.modality == "in-person",
               CohortSession.starts_dt <= (now or local_now()))
    ).one()
    return AttendanceShare(present, held).meets(row.min_attendance_percent)


def _attendance_by_user(cohort: Cohort, sessions: list[CohortSession]) -> dict[int, dict[int, str]]:
    """user id -> {session id: status} for a cohort, in one query."""
    result: dict[int, dict[int, str]] = defaultdict(dict)
    if not sessions:
        return result
    rows = db.session.execute(
        select(Attendance.user_id, Attendance.session_id, Attendance.status)
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id)
    )
    for user_id, session_id, status in rows:
        result[user_id][session_id] = status
    return result


def _share(statuses: dict[int, str], held_in_person: list[CohortSession]) -> AttendanceShare:
    return AttendanceShare(sum(1 for s in held_in_person if statuses.get(s.id) == "present"), len(held_in_person))


def sessions_of(cohort: Cohort) -> list[CohortSession]:
    return list(db.session.scalars(select(CohortSession).filter_by(cohort_id=cohort.id).order_by(CohortSession.starts_dt)))


# -- the dashboard ----------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    status: str  # learning.NOT_STARTED / IN_PROGRESS / COMPLETE / FAILED
    score: float | None = None


_EMPTY = Cell(learning.NOT_STARTED)


@lru_cache(maxsize=1024)
def _cell(status: str, score: float | None) -> Cell:
    """Cells are shared: a grid has many of the same (the page renders each once)."""
    return Cell(status, score)


@dataclass
class LearnerRow:
    user: User
    member: CohortMember
    cells: list[Cell]
    completed: int
    last_activity_dt: datetime | None  # UTC; None: never opened a lesson
    attendance: AttendanceShare
    attendance_met: bool
    statuses: dict[int, str]  # session id -> present/absent/excused

    @property
    def is_complete(self) -> bool:
        return self.completed == len(self.cells)


@dataclass
class LessonSummary:
    lesson: Lesson
    attempted: int
    passed: int
    average_score: float | None


@dataclass
class Dashboard:
    cohort: Cohort
    course: Course
    lessons: tuple[Lesson, ...]
    rows: list[LearnerRow]
    sessions: list[CohortSession]
    inactive_days: int
    inactive: list[tuple[LearnerRow, int | None]]  # (row, days since activity; None: never)
    graded: list[LessonSummary] = field(default_factory=list)

    @property
    def complete_count(self) -> int:
        return sum(1 for row in self.rows if row.is_complete)

    @property
    def complete_percent(self) -> int:
        return round(100 * self.complete_count / len(self.rows)) if self.rows else 0

    @property
    def held_in_person(self) -> int:
        return self.rows[0].attendance.held if self.rows else 0


def cohort_dashboard(cohort: Cohort, course: Course, inactive_days: int = 7, now: datetime | None = None,
                     local: datetime | None = None) -> Dashboard:
    """Every learner's status and best score in every lesson, attendance and
    a summary, in a fixed number of queries whatever the cohort's size."""
    now, local = now or utcnow(), local or local_now()
    lessons = course.lessons
    members = members_of(cohort)  # 1 query
    member_ids = _member_ids(cohort.id)
    # Plain rows, not ORM objects: a 500-learner cohort has thousands.
    progress: dict[int, dict[str, object]] = defaultdict(dict)
    for row in db.session.execute(  # 1 query
        select(LessonProgress.user_id, LessonProgress.lesson_key, LessonProgress.completed_dt,
               LessonProgress.best_score, LessonProgress.attempt_count)
        .where(LessonProgress.course_id == course.id, LessonProgress.user_id.in_(member_ids))
    ):
        progress[row.user_id][row.lesson_key] = row
    activity = dict(db.session.execute(  # 1 query
        select(Enrollment.user_id, Enrollment.last_activity_dt)
        .where(Enrollment.course_id == course.id, Enrollment.user_id.in_(member_ids))
    ).all())
    sessions = sessions_of(cohort)  # 1 query
    held = [s for s in sessions if s.is_in_person and s.starts_dt <= local]
    attendance = _attendance_by_user(cohort, sessions)  # 1 query

    rows = []
    for member, user in members:
        mine = progress.get(user.id, {})
        cells, completed = [], 0
        for lesson in lessons:
            row = mine.get(lesson.key)
            if row is None:
                cells.append(_EMPTY)
                continue
            status = learning.lesson_status(lesson, row)
            completed += status == learning.COMPLETE
            cells.append(_cell(status, row.best_score if lesson.graded else None))
        statuses = attendance.get(user.id, {})
        share = _share(statuses, held)
        rows.append(LearnerRow(user, member, cells, completed, activity.get(user.id), share,
                               share.meets(cohort.min_attendance_percent), statuses))

    graded = []
    for index, lesson in enumerate(lessons):
        if not lesson.graded:
            continue
        scores = [row.cells[index].score for row in rows if row.cells[index].score is not None]
        graded.append(LessonSummary(
            lesson, len(scores), sum(1 for row in rows if row.cells[index].status == learning.COMPLETE),
            round(sum(scores) / len(scores), 1) if scores else None,
        ))

    cutoff = now - timedelta(days=inactive_days)
    inactive = []
    for row in rows:
        last = row.last_activity_dt
        if last is None and row.member.joined_dt <= cutoff:
            inactive.append((row, None))
        elif last is not None and last <= cutoff:
            inactive.append((row, (now - last).days))
    inactive.sort(key=lambda item: (item[1] is not None, -(item[1] or 0)))  # never active first, then longest idle
    return Dashboard(cohort, course, lessons, rows, sessions, inactive_days, inactive, graded)


# -- item analysis ----------------------------------------------------------------

@dataclass
class QuestionStats:
    question_id: str
    type: str
    answered: int = 0
    correct: int = 0
    wrong_answers: Counter = field(default_factory=Counter)  # option id or answer -> times chosen

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.answered) if self.answered else None

    def top_wrong(self) -> tuple[object, int] | None:
        """The wrong answer chosen most often (ties: the first option)."""
        if not self.wrong_answers:
            return None
        return self.wrong_answers.most_common(1)[0]


@dataclass
class LessonItems:
    lesson: Lesson
    learners: int  # learners whose latest attempt is counted
    questions: list[QuestionStats]


def item_analysis(cohort: Cohort, course: Course) -> list[LessonItems]:
    """Per graded lesson and question: how many of the cohort's learners got
    it right in their latest attempt, and the wrong answer given most often.

    The latest attempt, not the best: it shows what a learner thinks now,
    and a learner who has passed usually stops trying. One query."""
    latest = (
        select(func.max(Attempt.id))
        .where(Attempt.course_id == course.id, Attempt.user_id.in_(_member_ids(cohort.id)))
        .group_by(Attempt.user_id, Attempt.lesson_key)
    )
    by_lesson: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for lesson_key, answers, results in db.session.execute(
        select(Attempt.lesson_key, Attempt.answers, Attempt.results).where(Attempt.id.in_(latest))
    ):
        by_lesson[lesson_key].append((answers or {}, results or {}))

    report = []
    for lesson in course.lessons:
        if not lesson.graded:
            continue
        questions = lesson.source.questions
        stats = {q.id: QuestionStats(q.id, q.type) for q in questions}
        keys = {q.id: q for q in questions}
        attempts = by_lesson.get(lesson.key, [])
        for answers, results in attempts:
            for qid, right in results.items():
                item = stats.get(qid)
                if item is None:  # a question the lesson no longer has
                    continue
                item.answered += 1
                if right:
                    item.correct += 1
                    continue
                for wrong in _wrong_parts(keys[qid], answers.get(qid)):
                    item.wrong_answers[wrong] += 1
        report.append(LessonItems(lesson, len(attempts), [stats[q.id] for q in questions]))
    return report


def _wrong_parts(question, answer) -> list:
    """What a wrong answer is made of, for counting: the wrong option chosen
    (single), each wrong option ticked (multiple), the answer itself (true or
    false, text, number). An order is not broken into parts."""
    if answer is None:
        return []
    if question.type == "single":
        choice = question.choice(answer)
        return [answer] if choice is not None and not choice.correct else []
    if question.type == "multiple":
        return [a for a in answer if (c := question.choice(a)) is not None and not c.correct]
    if question.type == "text":
        return [normalise_text(str(answer))]
    if question.type in ("truefalse", "number"):
        return [answer]
    return []


# -- one learner ------------------------------------------------------------------

@dataclass
class LearnerReport:
    user: User
    member: CohortMember
    progress: learning.CourseProgress
    attempts: dict[str, list[Attempt]]  # lesson key -> attempts, newest first
    sessions: list[tuple[CohortSession, str | None]]
    attendance: AttendanceShare
    attendance_met: bool


def member_of(cohort: Cohort, user_id: int) -> tuple[CohortMember, User] | None:
    row = db.session.execute(
        select(CohortMember, User).join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
    ).first()
    return (row[0], row[1]) if row else None


def learner_report(cohort: Cohort, course: Course, user_id: int, local: datetime | None = None) -> LearnerReport | None:
    found = member_of(cohort, user_id)
    if found is None:
        return None
    member, user = found
    local = local or local_now()
    attempts: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in db.session.scalars(
        select(Attempt).filter_by(user_id=user.id, course_id=course.id).order_by(Attempt.id.desc())
    ):
        attempts[attempt.lesson_key].append(attempt)
    sessions = sessions_of(cohort)
    statuses = dict(db.session.execute(
        select(Attendance.session_id, Attendance.status)
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(CohortSession.cohort_id == cohort.id, Attendance.user_id == user.id)
    ).all())
    share = _share(statuses, [s for s in sessions if s.is_in_person and s.starts_dt <= local])
    return LearnerReport(user, member, learning.course_progress(user, course), attempts,
                         [(s, statuses.get(s.id)) for s in sessions], share, share.meets(cohort.min_attendance_percent))


# -- what a learner sees ----------------------------------------------------------

@dataclass
class MyCohort:
    cohort: Cohort
    course: Course | None
    tutors: list[User]
    openings: list[tuple[object, date, bool]]  # (module, opens on, is open)
    sessions: list[tuple[CohortSession, str | None, bool]]  # (session, my status, is past)
    attendance: AttendanceShare

    @property
    def attendance_met(self) -> bool:
        return self.attendance.meets(self.cohort.min_attendance_percent)

    @property
    def next_opening(self):
        return next(((module, day) for module, day, is_open in self.openings if not is_open), None)


def my_cohorts(user, library, today: date | None = None, local: datetime | None = None) -> list[MyCohort]:
    """A learner's cohorts with their schedule and the learner's own
    attendance; nobody else's."""
    today, local = today or local_today(), local or local_now()
    memberships = list(db.session.scalars(
        select(CohortMember).where(CohortMember.user_id == user.id).order_by(CohortMember.joined_dt.desc())
    ))
    result = []
    for member in memberships:
        cohort = member.cohort
        course = library.get(cohort.course_id)
        sessions = sessions_of(cohort)
        statuses = dict(db.session.execute(
            select(Attendance.session_id, Attendance.status)
            .where(Attendance.user_id == user.id, Attendance.session_id.in_([s.id for s in sessions]))
        ).all()) if sessions else {}
        openings = []
        if course is not None:
            dates = opening_dates(cohort)
            for module in course.modules:
                if module.id in dates:
                    openings.append((module, dates[module.id], dates[module.id] <= today))
        held = [s for s in sessions if s.is_in_person and s.starts_dt <= local]
        result.append(MyCohort(
            cohort, course, list(cohort.tutors), openings,
            [(s, statuses.get(s.id), s.starts_dt <= local) for s in sessions], _share(statuses, held),
        ))
    return result
