"""A learner's enrolments, progress and quiz attempts.

Keyed by course id and "module/lesson" ids, never by file numbers, so that
renumbering and rewording a course keeps everyone's progress.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    enrolled_dt: Mapped[datetime] = mapped_column(default=utcnow)
    last_lesson_key: Mapped[str | None] = mapped_column(String(201))
    last_activity_dt: Mapped[datetime | None] = mapped_column()
    completed_dt: Mapped[datetime | None] = mapped_column()


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_key: Mapped[str] = mapped_column(String(201))
    started_dt: Mapped[datetime] = mapped_column(default=utcnow)
    completed_dt: Mapped[datetime | None] = mapped_column()  # set once; never taken back
    best_score: Mapped[float | None] = mapped_column()
    attempt_count: Mapped[int] = mapped_column(default=0)

    @property
    def is_complete(self) -> bool:
        return self.completed_dt is not None


class Attempt(db.Model):
    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id the lesson form carried: a resent form finds its attempt again.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_key: Mapped[str] = mapped_column(String(201))
    lesson_version: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict] = mapped_column(JSON)  # question id -> answer
    results: Mapped[dict] = mapped_column(JSON)  # question id -> true/false
    score: Mapped[float] = mapped_column()  # percent
    passed: Mapped[bool] = mapped_column()
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
