"""Issued certificates: the record that a person completed a course, or a
learning path (its courses listed)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import format_code
from ..extensions import db
from ..timeutil import utcnow

__all__ = ["Certificate"]


class Certificate(db.Model):
    """Issued once per learner and course; a re-issue revokes the old one and
    adds the next ``generation``, so a double completion can never issue
    two (the unique constraint catches the race)."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "generation"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never guessable
    code: Mapped[str] = mapped_column(String(16), unique=True)  # short, read aloud, typed: no hyphen stored
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    generation: Mapped[int] = mapped_column(default=1)
    course_version: Mapped[str] = mapped_column(String(40))
    learner_name: Mapped[str] = mapped_column(String(200))  # as it was when issued
    completed_on: Mapped[date] = mapped_column(Date)
    cohort_name: Mapped[str | None] = mapped_column(String(200))
    tutor_names: Mapped[str | None] = mapped_column(String(500))  # "; "-separated
    organisation_name: Mapped[str] = mapped_column(String(200))
    issued_dt: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_dt: Mapped[datetime | None] = mapped_column()
    revoke_reason: Mapped[str | None] = mapped_column(String(500))
    # A path certificate: course_id is "path:<path id>" and these are the
    # ids of the courses it names, in the path's order.
    course_ids: Mapped[list | None] = mapped_column(JSON)

    @property
    def is_path(self) -> bool:
        return self.course_id.startswith("path:")

    @property
    def path_id(self) -> str | None:
        return self.course_id[len("path:"):] if self.is_path else None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def tutors(self) -> tuple[str, ...]:
        return tuple(name for name in (self.tutor_names or "").split("; ") if name)
