"""Class sessions (in person, webinar, self-study) and who attended them.

Session times are the box's local wall-clock time (see ``services.py``).
The certificates ask :func:`attendance_requirement_met` before issuing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from ..extensions import db
from ..timeutil import utcnow
from .models import ATTENDANCE_STATUSES, MODALITIES, Attendance, Cohort, CohortMember, CohortSession
from .services import CohortError, local_now


def add_session(cohort: Cohort, starts_dt: datetime, modality: str, place: str = "") -> CohortSession:
    if modality not in MODALITIES:
        raise CohortError("bad-modality")
    session = CohortSession(cohort_id=cohort.id, starts_dt=starts_dt.replace(second=0, microsecond=0),
                            modality=modality, place=(place or "").strip()[:300])
    db.session.add(session)
    db.session.flush()
    return session


def session_of(cohort: Cohort, session_id: int) -> CohortSession | None:
    return db.session.scalar(select(CohortSession).filter_by(id=session_id, cohort_id=cohort.id))


def delete_session(session: CohortSession) -> None:
    db.session.delete(session)
    db.session.flush()


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
    db.session.flush()
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


def attendance_by_user(cohort: Cohort, sessions: list[CohortSession]) -> dict[int, dict[int, str]]:
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


def attendance_share(statuses: dict[int, str], held_in_person: list[CohortSession]) -> AttendanceShare:
    return AttendanceShare(sum(1 for s in held_in_person if statuses.get(s.id) == "present"), len(held_in_person))


def sessions_of(cohort: Cohort) -> list[CohortSession]:
    return list(db.session.scalars(select(CohortSession).filter_by(cohort_id=cohort.id).order_by(CohortSession.starts_dt)))
