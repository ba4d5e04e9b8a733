"""What tutors and learners see of a cohort: the dashboard, the item
analysis, one learner's report and a learner's own cohorts. Read only."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, exists, func, select

from ..auth.models import User
from ..content import Course, Lesson, normalise_text
from ..extensions import db
from ..learn import services as learning
from ..learn.models import Attempt, Enrollment, LessonProgress, PathEnrollment, Submission
from ..timeutil import utcnow
from .attendance import AttendanceShare, attendance_by_user, attendance_share, sessions_of
from .models import Attendance, Cohort, CohortMember, CohortSession
from .services import local_now, local_today, member_ids_query, member_of, members_of, opening_dates

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
    member_ids = member_ids_query(cohort.id)
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
    attendance = attendance_by_user(cohort, sessions)  # 1 query

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
        share = attendance_share(statuses, held)
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
    return course_item_analysis(course, learners=member_ids_query(cohort.id))


def course_item_analysis(course: Course, learners=None, language: str | None = None) -> list[LessonItems]:
    """The item analysis over every learner of a course (``learners``: a
    subquery of user ids to keep, e.g. a cohort's members), optionally only
    the latest attempts made in one ``language``: what a beta test of a
    translation reads lesson by lesson. One query."""
    latest = select(func.max(Attempt.id)).where(Attempt.course_id == course.id)
    if learners is not None:
        latest = latest.where(Attempt.user_id.in_(learners))
    latest = latest.group_by(Attempt.user_id, Attempt.lesson_key)
    query = select(Attempt.lesson_key, Attempt.answers, Attempt.results).where(Attempt.id.in_(latest))
    if language is not None:
        query = query.where(Attempt.language == language)
    by_lesson: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
    for lesson_key, answers, results in db.session.execute(query):
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
    share = attendance_share(statuses, [s for s in sessions if s.is_in_person and s.starts_dt <= local])
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
    path: object = None  # the LearningPath of a cohort on a path

    @property
    def attendance_met(self) -> bool:
        return self.attendance.meets(self.cohort.min_attendance_percent)

    @property
    def next_opening(self):
        return next(((module, day) for module, day, is_open in self.openings if not is_open), None)


# "My learning": the learner's courses, and whether there is anything to
# show in its other sections, in one statement; a section's own query runs
# only when it has something.
_HAS_REVIEWED_ANSWERS = exists().where(Submission.user_id == bindparam("user_id"), Submission.reviewed_dt.is_not(None))
_IS_ON_A_PATH = exists().where(PathEnrollment.user_id == bindparam("user_id"))
_IS_IN_A_COHORT = exists().where(CohortMember.user_id == bindparam("user_id"))
_MY_LEARNING = learning.MY_COURSES.add_columns(_HAS_REVIEWED_ANSWERS, _IS_ON_A_PATH, _IS_IN_A_COHORT)
_MY_SECTIONS = select(_HAS_REVIEWED_ANSWERS, _IS_ON_A_PATH, _IS_IN_A_COHORT)


@dataclass(frozen=True)
class MySections:
    """Which sections of "My learning" have something to show."""

    reviewed_answers: bool = True
    paths: bool = True
    cohorts: bool = True


@dataclass
class MyLearning:
    courses: learning.MyCourses
    sections: MySections


def my_learning(user, library) -> MyLearning:
    """The learner's courses with their progress and which other sections
    of "My learning" have something: one query (two without any course)."""
    rows = db.session.execute(_MY_LEARNING, {"user_id": user.id}).all()
    flags = rows[0][2:] if rows else db.session.execute(_MY_SECTIONS, {"user_id": user.id}).one()
    return MyLearning(learning.my_courses_of(rows, library), MySections(*(bool(flag) for flag in flags)))


_MEMBERSHIPS_OF = (select(CohortMember).where(CohortMember.user_id == bindparam("user_id"))  # "My learning": built once
                   .order_by(CohortMember.joined_dt.desc()))


def my_cohorts(user, library, today: date | None = None, local: datetime | None = None) -> list[MyCohort]:
    """A learner's cohorts with their schedule and the learner's own
    attendance; nobody else's."""
    today, local = today or local_today(), local or local_now()
    memberships = list(db.session.scalars(_MEMBERSHIPS_OF, {"user_id": user.id}))
    result, seen = [], set()
    for member in memberships:
        if member.cohort_id in seen:  # a cohort on a path: a row per course, shown once
            continue
        seen.add(member.cohort_id)
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
            [(s, statuses.get(s.id), s.starts_dt <= local) for s in sessions], attendance_share(statuses, held),
            library.get_path(cohort.path_id) if cohort.path_id else None,
        ))
    return result
