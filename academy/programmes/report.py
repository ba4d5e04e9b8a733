"""The impact report: the numbers a funder asks for each quarter.

For a period and filters (organisation, country, course, modality, cohort):
learners enrolled, started, completed and certified, the completion rate,
the average best score, hours of learning, and the tutor-led sessions held
by modality with their attendance; the same by gender, job role, age band,
organisation, country, course and modality. The numbers here are raw;
:mod:`.suppression` hides the small ones before anyone sees them.

What is counted (docs/programmes.md):

- The report follows the enrolments made in the period (enrolled from the
  first day to the last, inclusive) up to the end of the period: a learner
  is *enrolled* if they enrolled in a course then, *started* if they opened
  a lesson of it by the end, *completed* if they completed it by the end,
  *certified* if a certificate for it was valid at the end. A learner is
  counted once however many courses they took (by course, once per course).
- Gender, job role, age band and organisation are the learner's own; the
  modality of an enrolment is its cohort's (the way most of the cohort's
  sessions met, "guided self-study" for a cohort without sessions), or
  "self-paced" without a cohort. Sessions are those held in the period.
- Hours of learning: the minutes of each lesson completed by the end
  (``minutes`` in the lesson, else the course's estimate shared evenly).
  Average best score: over every quiz lesson the learners attempted.

Every number comes from aggregate SQL (GROUP BY) over a *source*: the box's
own tables (:class:`BoxSource`) or, on a hub, the tables the synced bundles
fill (academy/sync), which have the same columns. The queries do not grow
with the number of learners; bench/report.py times them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from sqlalchemy import DateTime, Integer, String, and_, case, cast, exists, false, func, literal, null, or_, select, union_all

from ..auth.models import User
from ..certificates.models import Certificate
from ..cohorts.models import Attendance, Cohort, CohortMember, CohortSession
from ..cohorts.services import local_now
from ..extensions import db
from ..learn.models import Enrollment, LessonProgress
from .models import LearnerProfile, Organisation

MODALITIES = ("in-person", "webinar", "self-study", "self-paced")
SESSION_MODALITIES = ("in-person", "webinar", "self-study")
#: Ties between a cohort's session modalities go to the first of these.
_MODALITY_ORDER = ("in-person", "webinar", "self-study")


# -- filters ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportFilters:
    start: date
    end: date  # inclusive
    organisation_id: int | None = None
    country: str | None = None
    course_id: str | None = None
    modality: str | None = None
    cohort_id: int | None = None

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_dt(self) -> datetime:
        """Exclusive: the first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min)


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    following = date(day.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1)
    return start, following - timedelta(days=1)


def previous_quarter(day: date) -> tuple[date, date]:
    start, _end = quarter_of(day)
    return quarter_of(start - timedelta(days=1))


# -- the numbers ----------------------------------------------------------------------

class _Sums:
    """Numbers that add up field by field (a total of groups)."""

    def add(self, other) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


@dataclass
class Group(_Sums):
    """Raw numbers for one group of learners."""

    enrolled: int = 0
    started: int = 0
    completed: int = 0
    certified: int = 0
    scored: int = 0  # learners with at least one quiz score
    score_sum: float = 0.0  # best scores, one per learner and quiz lesson
    score_count: int = 0
    minutes: float = 0.0  # of lessons completed

    @property
    def completion_rate(self) -> float | None:
        return 100.0 * self.completed / self.enrolled if self.enrolled else None

    @property
    def average_score(self) -> float | None:
        return self.score_sum / self.score_count if self.score_count else None

    @property
    def hours(self) -> float:
        return self.minutes / 60.0


@dataclass
class SessionGroup(_Sums):
    sessions: int = 0
    present: int = 0
    absent: int = 0
    excused: int = 0

    @property
    def recorded(self) -> int:
        return self.present + self.absent + self.excused

    @property
    def attendance_rate(self) -> float | None:
        return 100.0 * self.present / self.recorded if self.recorded else None


@dataclass
class Report:
    filters: ReportFilters
    total: Group = field(default_factory=Group)
    # Keys: the stored value; None: not given / no organisation.
    by_gender: dict = field(default_factory=dict)
    by_job_role: dict = field(default_factory=dict)
    by_age_band: dict = field(default_factory=dict)
    by_organisation: dict = field(default_factory=dict)
    by_country: dict = field(default_factory=dict)
    by_course: dict = field(default_factory=dict)
    by_modality: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # session modality -> SessionGroup
    sessions_total: SessionGroup = field(default_factory=SessionGroup)
    organisation_names: dict = field(default_factory=dict)  # id -> name
    organisation_countries: dict = field(default_factory=dict)  # id -> country code

    @property
    def organisations_reached(self) -> int:
        return sum(1 for key, group in self.by_organisation.items() if key is not None and group.enrolled)

    @property
    def countries_reached(self) -> int:
        return sum(1 for key, group in self.by_country.items() if key is not None and group.enrolled)


# -- where the numbers come from ------------------------------------------------------

class BoxSource:
    """This box's own tables, under the column names the report reads."""

    def __init__(self, library, now: datetime | None = None):
        self.library = library
        self.now = now or local_now()  # session times are the box's local time (cohorts.services)
        self.learners = (
            select(User.id.label("learner"), LearnerProfile.organisation_id.label("organisation"),
                   LearnerProfile.gender, LearnerProfile.job_role, LearnerProfile.age_band)
            .outerjoin(LearnerProfile, LearnerProfile.user_id == User.id)
            .where(User.role == "learner").subquery("learners"))
        # When a learner first opened a lesson of the course: from the
        # progress rows (``started_dt`` here is for sources that record it).
        self.enrolments = select(
            Enrollment.user_id.label("learner"), Enrollment.course_id, Enrollment.enrolled_dt, Enrollment.completed_dt,
            cast(null(), DateTime).label("started_dt")).subquery("enrolments")
        self.members = select(CohortMember.user_id.label("learner"), CohortMember.course_id,
                              CohortMember.cohort_id.label("cohort")).subquery("members")
        self.cohorts = select(Cohort.id, Cohort.name, Cohort.course_id,
                              Cohort.organisation_id.label("organisation")).subquery("cohorts")
        self.organisations = select(Organisation.id, Organisation.name, Organisation.country).subquery("organisations")
        self.certificates = select(Certificate.user_id.label("learner"), Certificate.course_id, Certificate.issued_dt,
                                   Certificate.revoked_dt).subquery("certs")
        self.sessions = select(CohortSession.id, CohortSession.cohort_id.label("cohort"), CohortSession.modality,
                               CohortSession.starts_dt).subquery("sessions")
        # ``number``: how many attendances a row stands for (one here; a hub
        # also holds counts from boxes that send no learner).
        self.attendance = select(Attendance.session_id.label("session"), Attendance.status,
                                 literal(1).label("number")).subquery("attendance")

    @property
    def progress(self):
        """Each lesson a learner opened: (learner, course_id, lesson_key,
        started_dt, completed_dt, best_score)."""
        return select(LessonProgress.user_id.label("learner"), LessonProgress.course_id, LessonProgress.lesson_key,
                      LessonProgress.started_dt, LessonProgress.completed_dt, LessonProgress.best_score).subquery("progress")

    def minutes(self, progress):
        """The minutes a progress row's lesson counts for, as SQL: by course,
        then the course's lessons grouped by their minutes, one ``IN`` list
        each (SQLite looks an IN list up in a temporary index: cheap for each
        of many rows)."""
        by_course = []
        for course_id in sorted(self.library.courses):
            by_minutes: dict[float, list[str]] = defaultdict(list)
            for key, minutes in lesson_minutes(self.library.courses[course_id]).items():
                by_minutes[minutes].append(key)
            lessons = case(*((progress.c.lesson_key.in_(keys), literal(minutes))
                             for minutes, keys in sorted(by_minutes.items())), else_=literal(0.0))
            by_course.append((course_id, lessons))
        if not by_course:
            return literal(0.0)
        return case(dict(by_course), value=progress.c.course_id, else_=literal(0.0))

    def course_ids(self) -> list[str]:
        return sorted(self.library.courses)


def lesson_minutes(course) -> dict[str, float]:
    """Lesson key -> the minutes it counts for: its own ``minutes``, else
    the course's estimate shared among the lessons that give none."""
    lessons = course.lessons
    without = [lesson for lesson in lessons if lesson.minutes is None]
    share = 0.0
    if without and course.estimated_minutes:
        given = sum(lesson.minutes for lesson in lessons if lesson.minutes is not None)
        share = max(course.estimated_minutes - given, 0) / len(without)
    return {lesson.key: float(lesson.minutes) if lesson.minutes is not None else share for lesson in lessons}


# -- computing ------------------------------------------------------------------------

def cohort_modalities(source, until: datetime) -> dict:
    """Cohort -> its modality: the way most of its sessions held before
    ``until`` met (ties: in person, then webinar), "self-study" without any."""
    counts: dict = defaultdict(dict)
    s = source.sessions
    for cohort, modality, number in db.session.execute(
            select(s.c.cohort, s.c.modality, func.count()).where(s.c.starts_dt < until).group_by(s.c.cohort, s.c.modality)):
        counts[cohort][modality] = number
    result = {}
    for cohort, by_modality in counts.items():
        result[cohort] = max(_MODALITY_ORDER, key=lambda m: (by_modality.get(m, 0), -_MODALITY_ORDER.index(m)))
    return result


def _enrolment_rows(source, filters: ReportFilters, modality_of: dict):
    """One row per enrolment in the period, with what it achieved by the
    end of the period and the learner's groups. Driven by the enrolments in
    the period: only their progress rows are read (an index covers them)."""
    e, l, m, p = source.enrolments, source.learners, source.members, source.progress
    end = filters.end_dt
    cert = source.certificates
    certified = exists().where(cert.c.learner == e.c.learner, cert.c.course_id == e.c.course_id, cert.c.issued_dt < end,
                               or_(cert.c.revoked_dt.is_(None), cert.c.revoked_dt >= end))
    started = func.coalesce(e.c.started_dt, func.min(p.c.started_dt))
    keys = (e.c.learner, e.c.course_id, e.c.completed_dt, e.c.started_dt, m.c.cohort, l.c.gender, l.c.job_role,
            l.c.age_band, l.c.organisation)
    query = (
        select(e.c.learner, e.c.course_id, m.c.cohort, l.c.gender, l.c.job_role, l.c.age_band, l.c.organisation,
               case((started < end, 1), else_=0).label("started"),
               case((e.c.completed_dt < end, 1), else_=0).label("completed"),
               case((certified, 1), else_=0).label("certified"),
               func.coalesce(func.sum(p.c.best_score), 0).label("score_sum"),
               func.count(p.c.best_score).label("score_count"),
               func.coalesce(func.sum(case((p.c.completed_dt < end, source.minutes(p)), else_=0)), 0).label("minutes"))
        .select_from(e)
        .join(l, l.c.learner == e.c.learner)
        .outerjoin(m, and_(m.c.learner == e.c.learner, m.c.course_id == e.c.course_id))
        .outerjoin(p, and_(p.c.learner == e.c.learner, p.c.course_id == e.c.course_id))
        .where(e.c.enrolled_dt >= filters.start_dt, e.c.enrolled_dt < end)
        .group_by(*keys)
    )
    if filters.course_id:
        query = query.where(e.c.course_id == filters.course_id)
    if filters.cohort_id is not None:
        query = query.where(m.c.cohort == filters.cohort_id)
    if filters.organisation_id is not None:
        query = query.where(l.c.organisation == filters.organisation_id)
    if filters.country:
        o = source.organisations
        query = query.where(l.c.organisation.in_(select(o.c.id).where(o.c.country == filters.country)))
    if filters.modality:
        query = query.where(_modality_condition(m.c.cohort, filters.modality, modality_of))
    return query


def _modality_condition(cohort_column, modality: str, modality_of: dict):
    if modality == "self-paced":
        return cohort_column.is_(None)
    if modality == "self-study":  # mostly self-study sessions, or none at all
        others = [c for c, m in modality_of.items() if m != "self-study"]
        return and_(cohort_column.is_not(None), cohort_column.not_in(others)) if others else cohort_column.is_not(None)
    ids = [c for c, m in modality_of.items() if m == modality]
    return cohort_column.in_(ids) if ids else false()


def _modality_expression(cohort_column, modality_of: dict):
    whens = [(cohort_column.is_(None), literal("self-paced"))]
    for modality in ("in-person", "webinar"):
        ids = [c for c, m in modality_of.items() if m == modality]
        if ids:
            whens.append((cohort_column.in_(ids), literal(modality)))
    return case(*whens, else_=literal("self-study"))


def _group(row, offset: int) -> Group:
    enrolled, started, completed, certified, scored, score_sum, score_count, minutes = row[offset:offset + 8]
    return Group(int(enrolled or 0), int(started or 0), int(completed or 0), int(certified or 0), int(scored or 0),
                 float(score_sum or 0), int(score_count or 0), float(minutes or 0))


def compute_report(source, filters: ReportFilters) -> Report:
    """Every number of the report, in a fixed number of queries: the
    learners' numbers in one statement (the enrolments of the period are
    read once, as a common table expression, and grouped three ways), the
    sessions in two, and three small ones (cohorts' modalities, names)."""
    report = Report(filters)
    held_until = min(filters.end_dt, source.now)
    modality_of = cohort_modalities(source, held_until)
    rows = _enrolment_rows(source, filters, modality_of).cte("report_rows")
    r = rows.c

    # 1. The learner's own groups: first one row per learner, then per group.
    per_learner = (
        select(r.learner, r.gender, r.job_role, r.age_band, r.organisation,
               func.max(r.started).label("started"), func.max(r.completed).label("completed"),
               func.max(r.certified).label("certified"), func.max(case((r.score_count > 0, 1), else_=0)).label("scored"),
               func.sum(r.score_sum).label("score_sum"), func.sum(r.score_count).label("score_count"),
               func.sum(r.minutes).label("minutes"))
        .group_by(r.learner, r.gender, r.job_role, r.age_band, r.organisation)
        .subquery("per_learner"))
    p = per_learner.c
    text, number = String(), Integer()
    by_learner = select(
        literal("learner").label("kind"), p.gender, p.job_role, p.age_band, p.organisation,
        cast(null(), text).label("course_id"), cast(null(), text).label("modality"),
        func.count(), func.sum(p.started), func.sum(p.completed), func.sum(p.certified),
        func.sum(p.scored), func.sum(p.score_sum), func.sum(p.score_count), func.sum(p.minutes),
    ).group_by(p.gender, p.job_role, p.age_band, p.organisation)
    # 2. By course: a learner once per course (an enrolment).
    nothing = (cast(null(), text).label("gender"), cast(null(), text).label("job_role"),
               cast(null(), text).label("age_band"), cast(null(), number).label("organisation"))
    by_course = select(
        literal("course"), *nothing, r.course_id, cast(null(), text),
        func.count(), func.sum(r.started), func.sum(r.completed), func.sum(r.certified),
        func.sum(case((r.score_count > 0, 1), else_=0)), func.sum(r.score_sum), func.sum(r.score_count), func.sum(r.minutes),
    ).group_by(r.course_id)
    # 3. By modality: a learner once per modality, however many courses.
    modality = _modality_expression(r.cohort, modality_of)
    by_modality = select(
        literal("modality"), *nothing, cast(null(), text), modality,
        func.count(func.distinct(r.learner)),
        *(func.count(func.distinct(case((flag == 1, r.learner)))) for flag in (r.started, r.completed, r.certified)),
        func.count(func.distinct(case((r.score_count > 0, r.learner)))),
        func.sum(r.score_sum), func.sum(r.score_count), func.sum(r.minutes),
    ).group_by(modality)

    for row in db.session.execute(union_all(by_learner, by_course, by_modality)):
        kind, gender, job_role, age_band, organisation, course_id, modality_key = row[:7]
        group = _group(row, 7)
        if kind == "course":
            report.by_course[course_id] = group
        elif kind == "modality":
            report.by_modality[modality_key] = group
        else:
            report.total.add(group)
            for table, key in ((report.by_gender, gender), (report.by_job_role, job_role),
                               (report.by_age_band, age_band), (report.by_organisation, organisation)):
                table.setdefault(key, Group()).add(group)

    # Organisations and countries.
    o = source.organisations
    for org_id, name, country in db.session.execute(select(o.c.id, o.c.name, o.c.country)):
        report.organisation_names[org_id] = name
        report.organisation_countries[org_id] = country
    for org_id, group in report.by_organisation.items():
        report.by_country.setdefault(report.organisation_countries.get(org_id), Group()).add(group)

    _sessions(source, filters, held_until, report)
    return report


def _sessions(source, filters: ReportFilters, until: datetime, report: Report) -> None:
    s, a, c, o = source.sessions, source.attendance, source.cohorts, source.organisations
    conditions = [s.c.starts_dt >= filters.start_dt, s.c.starts_dt < until]
    if filters.cohort_id is not None:
        conditions.append(s.c.cohort == filters.cohort_id)
    if filters.modality:
        conditions.append(s.c.modality == filters.modality if filters.modality in SESSION_MODALITIES else false())
    if filters.course_id or filters.organisation_id is not None or filters.country:
        cohort_filter = []
        if filters.course_id:  # a cohort on the course, or on a learning path that has it
            paths = [f"path:{path_id}" for path_id, path in source.library.paths.items()
                     if filters.course_id in path.all_courses]
            cohort_filter.append(c.c.course_id.in_([filters.course_id, *paths]))
        if filters.organisation_id is not None:
            cohort_filter.append(c.c.organisation == filters.organisation_id)
        if filters.country:
            cohort_filter.append(c.c.organisation.in_(select(o.c.id).where(o.c.country == filters.country)))
        conditions.append(s.c.cohort.in_(select(c.c.id).where(*cohort_filter)))
    held = select(s.c.id, s.c.modality).where(*conditions).subquery("held")
    for modality, number in db.session.execute(select(held.c.modality, func.count()).group_by(held.c.modality)):
        report.sessions.setdefault(modality, SessionGroup()).sessions = number
    for modality, status, number in db.session.execute(
            select(held.c.modality, a.c.status, func.sum(a.c.number)).join(a, a.c.session == held.c.id)
            .group_by(held.c.modality, a.c.status)):
        group = report.sessions.setdefault(modality, SessionGroup())
        if status in ("present", "absent", "excused"):
            setattr(group, status, int(number or 0))
    for group in report.sessions.values():
        report.sessions_total.add(group)


__all__ = ["ReportFilters", "Report", "Group", "SessionGroup", "BoxSource", "compute_report", "quarter_of",
           "previous_quarter", "lesson_minutes", "cohort_modalities", "MODALITIES", "SESSION_MODALITIES"]
