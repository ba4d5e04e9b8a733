"""Collecting a box's events into its outbox, once each.

The domains record what happened in their own tables; nothing there had to
change for syncing. Collecting (before each export) turns every row not yet
collected into an immutable event with the next sequence number:

==================  ============================================  ================================
event               from                                          once per
==================  ============================================  ================================
enrolled            enrollments                                   learner and course
course_started      the first lesson_progress row of a course     learner and course
lesson_completed    lesson_progress.completed_dt (with minutes)   learner, course and lesson
attempt_graded      attempts                                      attempt (its token)
course_completed    enrollments.completed_dt                      learner and course
certificate_issued  certificates                                  certificate
certificate_revoked certificates.revoked_dt                       certificate
session_held        a cohort session that has begun, with the     version: again when its time,
                    attendance of its learners                    modality or attendance change
session_cancelled   a held session that was deleted               session
learner_erased      an account that was deleted                   learner
==================  ============================================  ================================

"Not yet collected" is an anti-join on the outbox's ``source_key`` (what an
event is about), so collecting twice adds nothing. Learners are named by a
random key (``sync_learners``), never by their account number. Only
accounts with the learner role are collected, as the report counts only
them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, exists, func, insert, literal, select

from ..auth.models import User
from ..certificates.models import Certificate
from ..cohorts.models import Attendance, CohortSession
from ..extensions import db
from ..learn.models import Attempt, Enrollment, LessonProgress
from ..programmes.report import lesson_minutes
from ..timeutil import utcnow
from .models import OutboxEvent, SentSession, SyncLearner

BATCH = 5000


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# -- learner keys -------------------------------------------------------------------

def learner_keys(now=None) -> tuple[dict[int, str], list[str]]:
    """Every learner's key (made for those without one), and the keys of
    accounts deleted since the last collection (the account is gone, or its
    number now belongs to someone else)."""
    now = now or utcnow()
    known = {row.user_id: row for row in db.session.scalars(select(SyncLearner).where(SyncLearner.erased_dt.is_(None)))}
    users = dict(db.session.execute(select(User.id, User.created_dt)).all())
    erased = []
    for user_id, row in known.items():
        if users.get(user_id) != row.user_created_dt:
            row.erased_dt = now
            erased.append(row.key)
    current = {user_id: row for user_id, row in known.items() if row.erased_dt is None}
    learners = db.session.execute(select(User.id, User.created_dt).where(User.role == "learner")).all()
    new_rows = [{"key": uuid.uuid4().hex, "user_id": user_id, "user_created_dt": created}
                for user_id, created in learners if user_id not in current]
    for batch_start in range(0, len(new_rows), BATCH):
        db.session.execute(insert(SyncLearner), new_rows[batch_start:batch_start + BATCH])
    db.session.flush()
    keys = {user_id: row.key for user_id, row in current.items()}
    keys.update({row["user_id"]: row["key"] for row in new_rows})
    return keys, erased


# -- the outbox ---------------------------------------------------------------------

class _Writer:
    """Adds events with the next sequence numbers, in batches."""

    def __init__(self):
        self.next_seq = (db.session.scalar(select(func.max(OutboxEvent.seq))) or 0) + 1
        self.rows: list[dict] = []
        self.count = 0

    def add(self, kind: str, source_key: str, payload: dict, now) -> None:
        self.rows.append({"seq": self.next_seq, "event_id": uuid.uuid4().hex, "kind": kind, "source_key": source_key,
                          "payload": payload, "recorded_dt": now})
        self.next_seq += 1
        self.count += 1
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            db.session.execute(insert(OutboxEvent), self.rows)
            self.rows = []


def _not_collected(key_expression):
    return ~exists().where(OutboxEvent.source_key == key_expression)


def _learner_join():
    """Learners with a key (current, not erased), as a join condition."""
    return and_(SyncLearner.erased_dt.is_(None), User.id == SyncLearner.user_id, User.role == "learner")


def collect_events(library, now: datetime | None = None, local_now: datetime | None = None) -> int:
    """Put every event not collected yet into the outbox; returns how many.
    Flushes; the command that exports commits."""
    now = now or utcnow()
    local_now = local_now or datetime.now()
    keys, erased = learner_keys(now)
    writer = _Writer()
    for key in erased:
        writer.add("learner_erased", f"erased:{key}", {"learner": key}, now)

    colon = literal(":")
    # Enrolled.
    source = literal("enrolled:") + SyncLearner.key + colon + Enrollment.course_id
    for key, course_id, enrolled in db.session.execute(
            select(SyncLearner.key, Enrollment.course_id, Enrollment.enrolled_dt)
            .join(User, User.id == Enrollment.user_id).join(SyncLearner, _learner_join())
            .where(_not_collected(source)).order_by(Enrollment.id)):
        writer.add("enrolled", f"enrolled:{key}:{course_id}", {"learner": key, "course": course_id, "at": iso(enrolled)}, now)

    # Started a course: the first lesson opened.
    first = (select(LessonProgress.user_id, LessonProgress.course_id, func.min(LessonProgress.started_dt).label("at"))
             .group_by(LessonProgress.user_id, LessonProgress.course_id).subquery())
    source = literal("started:") + SyncLearner.key + colon + first.c.course_id
    for key, course_id, at in db.session.execute(
            select(SyncLearner.key, first.c.course_id, first.c.at)
            .join(User, User.id == first.c.user_id).join(SyncLearner, _learner_join())
            .where(_not_collected(source))):
        writer.add("course_started", f"started:{key}:{course_id}", {"learner": key, "course": course_id, "at": iso(at)}, now)

    # Lessons completed, with the minutes they count for on this box.
    minutes = {course_id: lesson_minutes(course) for course_id, course in library.courses.items()}
    source = literal("lesson:") + SyncLearner.key + colon + LessonProgress.course_id + colon + LessonProgress.lesson_key
    for key, course_id, lesson_key, completed in db.session.execute(
            select(SyncLearner.key, LessonProgress.course_id, LessonProgress.lesson_key, LessonProgress.completed_dt)
            .join(User, User.id == LessonProgress.user_id).join(SyncLearner, _learner_join())
            .where(LessonProgress.completed_dt.is_not(None), _not_collected(source)).order_by(LessonProgress.id)):
        writer.add("lesson_completed", f"lesson:{key}:{course_id}:{lesson_key}",
                   {"learner": key, "course": course_id, "lesson": lesson_key, "at": iso(completed),
                    "minutes": minutes.get(course_id, {}).get(lesson_key, 0.0)}, now)

    # Attempts graded.
    source = literal("attempt:") + Attempt.token
    for key, token, course_id, lesson_key, score, passed, created in db.session.execute(
            select(SyncLearner.key, Attempt.token, Attempt.course_id, Attempt.lesson_key, Attempt.score, Attempt.passed,
                   Attempt.created_dt)
            .join(User, User.id == Attempt.user_id).join(SyncLearner, _learner_join())
            .where(_not_collected(source)).order_by(Attempt.id).execution_options(yield_per=BATCH)):
        writer.add("attempt_graded", f"attempt:{token}",
                   {"learner": key, "course": course_id, "lesson": lesson_key, "score": score, "passed": bool(passed),
                    "at": iso(created)}, now)

    # Courses completed.
    source = literal("completed:") + SyncLearner.key + colon + Enrollment.course_id
    for key, course_id, completed in db.session.execute(
            select(SyncLearner.key, Enrollment.course_id, Enrollment.completed_dt)
            .join(User, User.id == Enrollment.user_id).join(SyncLearner, _learner_join())
            .where(Enrollment.completed_dt.is_not(None), _not_collected(source))):
        writer.add("course_completed", f"completed:{key}:{course_id}",
                   {"learner": key, "course": course_id, "at": iso(completed)}, now)

    # Certificates issued and revoked.
    source = literal("certificate:") + Certificate.id
    for key, certificate in db.session.execute(
            select(SyncLearner.key, Certificate).join(User, User.id == Certificate.user_id).join(SyncLearner, _learner_join())
            .where(_not_collected(source))):
        writer.add("certificate_issued", f"certificate:{certificate.id}", {
            "certificate": certificate.id, "code": certificate.code, "learner": key, "course": certificate.course_id,
            "generation": certificate.generation, "course_version": certificate.course_version,
            "completed_on": certificate.completed_on.isoformat(), "at": iso(certificate.issued_dt),
            "organisation_name": certificate.organisation_name, "cohort_name": certificate.cohort_name,
            "name_digest": name_digest(certificate.id, certificate.learner_name)}, now)
    source = literal("revoked:") + Certificate.id
    for certificate_id, revoked, reason in db.session.execute(
            select(Certificate.id, Certificate.revoked_dt, Certificate.revoke_reason)
            .join(User, User.id == Certificate.user_id).join(SyncLearner, _learner_join())
            .where(Certificate.revoked_dt.is_not(None), _not_collected(source))):
        writer.add("certificate_revoked", f"revoked:{certificate_id}",
                   {"certificate": certificate_id, "at": iso(revoked), "reason": reason or ""}, now)

    _collect_sessions(writer, keys, now, local_now)
    writer.flush()
    db.session.flush()
    return writer.count


def name_digest(certificate_id: str, name: str) -> str:
    """What the hub keeps of a certified learner's name below the "full"
    privacy level: enough to confirm the name printed on a certificate."""
    return hashlib.sha256(f"{certificate_id}\n{name}".encode()).hexdigest()


def _collect_sessions(writer: _Writer, keys: dict[int, str], now, local_now) -> None:
    """A version of every session that has begun whose time, modality or
    attendance changed since the last version sent; a cancellation for
    every sent session that was deleted."""
    sent = {row.session_key: row for row in db.session.scalars(select(SentSession))}
    sessions = db.session.execute(
        select(CohortSession.id, CohortSession.cohort_id, CohortSession.modality, CohortSession.starts_dt)
        .where(CohortSession.starts_dt <= local_now)).all()
    attendance: dict[int, dict[str, str]] = defaultdict(dict)
    for session_id, user_id, status in db.session.execute(
            select(Attendance.session_id, Attendance.user_id, Attendance.status)
            .join(CohortSession, CohortSession.id == Attendance.session_id).where(CohortSession.starts_dt <= local_now)):
        if user_id in keys:
            attendance[session_id][keys[user_id]] = status
    seen = set()
    for session_id, cohort_id, modality, starts in sessions:
        session_key = str(session_id)
        seen.add(session_key)
        payload = {"session": session_key, "cohort": cohort_id, "modality": modality, "starts": iso(starts),
                   "attendance": dict(sorted(attendance[session_id].items()))}
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        row = sent.get(session_key)
        if row is not None and row.digest == digest and not row.cancelled:
            continue
        if row is None:
            row = SentSession(session_key=session_key, digest=digest, version=0)
            db.session.add(row)
        row.version, row.digest, row.cancelled = row.version + 1, digest, False
        writer.add("session_held", f"session:{session_key}:v{row.version}", payload, now)
    for session_key, row in sent.items():
        if session_key not in seen and not row.cancelled:
            row.version, row.cancelled = row.version + 1, True
            writer.add("session_cancelled", f"session:{session_key}:v{row.version}", {"session": session_key}, now)
