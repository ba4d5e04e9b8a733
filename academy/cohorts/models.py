"""Cohorts: a class of learners taking one course with one or more tutors,
with its module opening dates, its sessions and who attended them.

Dates a tutor picks (start, end, module openings, code expiry) are calendar
dates (``_on``). A session's ``starts_dt`` is the wall-clock time where the
class meets, as the tutor typed it (the box's local time), not UTC: a class
in Ho Chi Minh City at 09:00 is stored and shown as 09:00.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

__all__ = ["Cohort", "CohortMember", "ModuleOpening", "CohortSession", "Attendance", "cohort_tutors",
           "PACINGS", "MODALITIES", "ATTENDANCE_STATUSES"]

PACINGS = ("open", "scheduled")
MODALITIES = ("in-person", "webinar", "self-study")
ATTENDANCE_STATUSES = ("present", "absent", "excused")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


cohort_tutors = Table(
    "cohort_tutors",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint(_one_of("pacing", PACINGS), name="pacing"),
        CheckConstraint("min_attendance_percent IS NULL OR (min_attendance_percent BETWEEN 0 AND 100)",
                        name="min_attendance_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(String(100), index=True)  # fixed once created
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    pacing: Mapped[str] = mapped_column(String(16), default="open")
    join_code: Mapped[str] = mapped_column(String(16), unique=True)  # stored without the hyphen
    join_code_expires_on: Mapped[date | None] = mapped_column(Date)  # last day the code works
    # Completion in this cohort needs this share of the in-person sessions held.
    min_attendance_percent: Mapped[int | None] = mapped_column()
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    # programmes: the enterprise the class belongs to (academy/programmes).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)

    tutors = relationship("User", secondary=cohort_tutors, order_by="User.display_name", passive_deletes=True)
    openings = relationship("ModuleOpening", back_populates="cohort", cascade="all, delete-orphan",
                            passive_deletes=True)
    sessions = relationship("CohortSession", back_populates="cohort", cascade="all, delete-orphan",
                            passive_deletes=True, order_by="CohortSession.starts_dt")

    @property
    def is_scheduled(self) -> bool:
        return self.pacing == "scheduled"

    @property
    def path_id(self) -> str | None:
        """A cohort on a learning path has course_id "path:<path id>"
        (services.cohort_target); its members have a row per course."""
        return self.course_id[len("path:"):] if self.course_id.startswith("path:") else None


class CohortMember(db.Model):
    """A learner in a cohort. ``course_id`` repeats the cohort's so that the
    database itself keeps a learner in one cohort per course. In a cohort on
    a learning path a learner has one row per course of the path."""

    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # indexed by the unique key
    course_id: Mapped[str] = mapped_column(String(100))
    joined_dt: Mapped[datetime] = mapped_column(default=utcnow)

    cohort = relationship("Cohort")
    user = relationship("User")


class ModuleOpening(db.Model):
    """With scheduled pacing: the day a module opens for the cohort."""

    __tablename__ = "module_openings"
    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(100))
    opens_on: Mapped[date] = mapped_column(Date)

    cohort = relationship("Cohort", back_populates="openings")


class CohortSession(db.Model):
    """A class meeting: in a room, by webinar, or time set aside to study alone."""

    __tablename__ = "cohort_sessions"
    __table_args__ = (CheckConstraint(_one_of("modality", MODALITIES), name="modality"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    starts_dt: Mapped[datetime] = mapped_column()  # local wall-clock time, see the module docstring
    modality: Mapped[str] = mapped_column(String(16))
    place: Mapped[str] = mapped_column(String(300), default="")  # a room, a webinar link, a note

    cohort = relationship("Cohort", back_populates="sessions")

    @property
    def is_in_person(self) -> bool:
        return self.modality == "in-person"


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint(_one_of("status", ATTENDANCE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("cohort_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    recorded_dt: Mapped[datetime] = mapped_column(default=utcnow)
