"""A learner's enrolments, progress, quiz attempts, assignment submissions,
learning paths and lesson feedback.

Keyed by course id and "module/lesson" ids, never by file numbers, so that
renumbering and rewording a course keeps everyone's progress.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


# -- assignments ------------------------------------------------------------------

SUBMISSION_STATUSES = ("draft", "submitted", "returned", "accepted")
REVIEW_DECISIONS = ("returned", "accepted")
FILE_KINDS = ("jpeg", "png", "pdf")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Submission(db.Model):
    """A learner's answer to one assignment: one row per learner and
    assignment, kept through drafts, returns and the final acceptance.

    ``review`` is the assignment's setting when the answer was submitted:
    "tutor" (a tutor or admin reviews it) or "none" (submitted is done)."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "lesson_key", "assignment_id"),
        CheckConstraint(_one_of("status", SUBMISSION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100), index=True)
    lesson_key: Mapped[str] = mapped_column(String(201))
    assignment_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    review: Mapped[str] = mapped_column(String(8), default="tutor")
    round: Mapped[int] = mapped_column(default=0)  # how many times it was submitted
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_dt: Mapped[datetime | None] = mapped_column()
    reviewed_dt: Mapped[datetime | None] = mapped_column()

    files = relationship("SubmissionFile", back_populates="submission", cascade="all, delete-orphan",
                         passive_deletes=True, order_by="SubmissionFile.id")
    reviews = relationship("SubmissionReview", back_populates="submission", cascade="all, delete-orphan",
                           passive_deletes=True, order_by="SubmissionReview.id")

    @property
    def is_done(self) -> bool:
        """What completes the lesson: accepted, or submitted when nobody reviews."""
        return self.status == "accepted" or (self.status == "submitted" and self.review == "none")

    @property
    def is_editable(self) -> bool:
        return self.status in ("draft", "returned")

    @property
    def latest_review(self):
        return self.reviews[-1] if self.reviews else None


class SubmissionFile(db.Model):
    """A photo (JPEG, PNG) or PDF attached to a submission. Stored in the data
    folder under ``stored_name`` (random); the learner's own file name is
    never kept."""

    __tablename__ = "submission_files"
    __table_args__ = (CheckConstraint(_one_of("kind", FILE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column()
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    submission = relationship("Submission", back_populates="files")

    @property
    def is_image(self) -> bool:
        return self.kind in ("jpeg", "png")


class SubmissionReview(db.Model):
    """One review: each criterion met or not yet, feedback, and the decision."""

    __tablename__ = "submission_reviews"
    __table_args__ = (CheckConstraint(_one_of("decision", REVIEW_DECISIONS), name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    round: Mapped[int] = mapped_column()
    decision: Mapped[str] = mapped_column(String(16))
    marks: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion id -> true (met) / false (not yet)
    feedback: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    submission = relationship("Submission", back_populates="reviews")
    reviewer = relationship("User")


# -- learning paths and lesson feedback -------------------------------------------

class PathEnrollment(db.Model):
    """A learner on a learning path; ``completed_dt`` once every course of
    the path is complete."""

    __tablename__ = "path_enrollments"
    __table_args__ = (UniqueConstraint("user_id", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path_id: Mapped[str] = mapped_column(String(100))
    enrolled_dt: Mapped[datetime] = mapped_column(default=utcnow)
    completed_dt: Mapped[datetime | None] = mapped_column()


class LessonFeedback(db.Model):
    """A learner's rating of a lesson (helpful or not) and a short comment in
    any language: one per learner and lesson, editable."""

    __tablename__ = "lesson_feedback"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100), index=True)
    lesson_key: Mapped[str] = mapped_column(String(201))
    language: Mapped[str] = mapped_column(String(16))  # the language the lesson was read in
    helpful: Mapped[bool | None] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow)
