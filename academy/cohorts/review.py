"""Reviewing assignments: who may see and review a learner's answer, the
queues, and the review itself.

A learner's answer is reviewed by the tutors of their cohort for that
course, or by an admin. An answer from a learner in no cohort (self-paced)
that needs a review waits in the admins' queue: the admin reviews it or
puts the learner in a cohort, whose tutors then see it. Admins see every
queue. Plain functions; they flush, the view commits.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select

from ..auth.models import User
from ..content import Assignment, Course, Lesson
from ..domain import DomainError
from ..extensions import db
from ..learn import services as learning
from ..learn.models import Submission, SubmissionReview
from ..timeutil import utcnow
from .models import Cohort, CohortMember, cohort_tutors

QUEUE_STATUSES = ("submitted", "returned", "accepted")
FEEDBACK_LIMIT = 5_000


class ReviewError(DomainError):
    """A review that cannot be recorded as sent; ``code`` picks the message."""


def _member_of_tutor(user_id: int):
    """A condition: the submission's learner is in a cohort for its course
    that ``user_id`` tutors."""
    return exists().where(
        CohortMember.user_id == Submission.user_id, CohortMember.course_id == Submission.course_id,
        cohort_tutors.c.cohort_id == CohortMember.cohort_id, cohort_tutors.c.user_id == user_id)


def may_review(user, submission: Submission) -> bool:
    if not getattr(user, "is_tutor", False):
        return False
    if user.is_admin:
        return True
    return bool(db.session.scalar(select(_member_of_tutor(user.id)).where(Submission.id == submission.id)))


def may_view(user, submission: Submission) -> bool:
    """The learner themselves, their tutors and admins; nobody else."""
    return submission.user_id == getattr(user, "id", None) or may_review(user, submission)


def cohort_of(submission: Submission) -> Cohort | None:
    return db.session.scalar(
        select(Cohort).join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == submission.user_id, CohortMember.course_id == submission.course_id))


def cohort_queue(cohort: Cohort, status: str = "submitted") -> list[tuple[Submission, User]]:
    """Answers of the cohort's learners that need a tutor, in one status
    (waiting for review first in, first out; the others newest first)."""
    order = Submission.submitted_dt.asc() if status == "submitted" else Submission.reviewed_dt.desc()
    return list(db.session.execute(
        select(Submission, User).join(User, User.id == Submission.user_id)
        .join(CohortMember, and_(CohortMember.user_id == Submission.user_id, CohortMember.course_id == Submission.course_id))
        .where(CohortMember.cohort_id == cohort.id, Submission.review == "tutor", Submission.status == status)
        .order_by(order, Submission.id)
    ).all())


def waiting_counts(cohort_ids: list[int]) -> dict[int, int]:
    """Cohort id -> answers waiting for a review."""
    if not cohort_ids:
        return {}
    return dict(db.session.execute(
        select(CohortMember.cohort_id, func.count(Submission.id))
        .join(Submission, and_(CohortMember.user_id == Submission.user_id, CohortMember.course_id == Submission.course_id))
        .where(CohortMember.cohort_id.in_(cohort_ids), Submission.review == "tutor", Submission.status == "submitted")
        .group_by(CohortMember.cohort_id)
    ).all())


def unassigned_queue(status: str = "submitted") -> list[tuple[Submission, User]]:
    """Answers that need a review from learners in no cohort for the course:
    the admins review them."""
    in_cohort = exists().where(CohortMember.user_id == Submission.user_id, CohortMember.course_id == Submission.course_id)
    order = Submission.submitted_dt.asc() if status == "submitted" else Submission.reviewed_dt.desc()
    return list(db.session.execute(
        select(Submission, User).join(User, User.id == Submission.user_id)
        .where(~in_cohort, Submission.review == "tutor", Submission.status == status)
        .order_by(order, Submission.id)
    ).all())


def review(submission: Submission, reviewer, course: Course, lesson: Lesson, assignment: Assignment,
           marks: dict[str, bool | None], feedback: str, decision: str, now=None) -> SubmissionReview:
    """Record a review: every criterion met (True) or not yet (False), the
    feedback, and "accepted" or "returned" (for another try; feedback is
    then required). Accepting may complete the lesson and the course: the
    view then asks the certificates."""
    now = now or utcnow()
    if decision not in ("accepted", "returned"):
        raise ReviewError("bad-decision")
    if submission.status != "submitted" or submission.review != "tutor":
        raise ReviewError("not-waiting")
    criteria = [c.id for c in assignment.criteria]
    if any(marks.get(criterion_id) is None for criterion_id in criteria):
        raise ReviewError("mark-every-criterion")
    feedback = (feedback or "").replace("\r\n", "\n").strip()[:FEEDBACK_LIMIT]
    if decision == "returned" and not feedback:
        raise ReviewError("feedback-needed")
    record = SubmissionReview(
        submission_id=submission.id, reviewer_id=reviewer.id, round=submission.round, decision=decision,
        marks={criterion_id: bool(marks[criterion_id]) for criterion_id in criteria}, feedback=feedback, created_dt=now)
    db.session.add(record)
    submission.status = decision
    submission.reviewed_dt = now
    db.session.flush()
    db.session.expire(submission, ["reviews"])
    if decision == "accepted":
        learner = db.session.get(User, submission.user_id)
        learning.complete_lesson_if_done(learner, course, lesson, now)
    return record
