"""Lesson feedback: at the end of a lesson a learner rates it helpful or not
and may leave a short comment, in any language. One per learner and
lesson; sending again changes it. Read per course, lesson and language by
the admins (academy/feedback/routes.py)."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from ..content import Course, Lesson
from ..extensions import db
from ..timeutil import utcnow
from .models import LessonFeedback
from .services import LearningError

COMMENT_LIMIT = 1_000


# Run by every lesson page of an enrolled learner: built once.
_FEEDBACK = select(LessonFeedback).where(LessonFeedback.user_id == bindparam("user_id"),
                                         LessonFeedback.course_id == bindparam("course_id"),
                                         LessonFeedback.lesson_key == bindparam("lesson_key"))


def feedback_for(user, course_id: str, lesson_key: str) -> LessonFeedback | None:
    return db.session.scalar(_FEEDBACK, {"user_id": user.id, "course_id": course_id, "lesson_key": lesson_key})


def save_feedback(user, course: Course, lesson: Lesson, helpful: bool | None, comment: str, language: str,
                  now=None) -> LessonFeedback:
    """Record or change a learner's rating and comment of a lesson. A
    rating, a comment or both; ``language`` is the one the lesson was read in."""
    now = now or utcnow()
    comment = unicodedata.normalize("NFC", (comment or "").replace("\r\n", "\n")).strip()
    if helpful is None and not comment:
        raise LearningError("feedback-empty")
    if len(comment) > COMMENT_LIMIT:
        raise LearningError("feedback-too-long")
    row = feedback_for(user, course.id, lesson.key)
    if row is None:
        try:
            with db.session.begin_nested():
                row = LessonFeedback(user_id=user.id, course_id=course.id, lesson_key=lesson.key, language=language,
                                     helpful=helpful, comment=comment, created_dt=now, updated_dt=now)
                db.session.add(row)
            return row
        except IntegrityError:  # sent twice at once: the second one changes the first
            row = feedback_for(user, course.id, lesson.key)
    row.helpful, row.comment, row.language, row.updated_dt = helpful, comment, language, now
    db.session.flush()
    return row


@dataclass
class Comment:
    text: str
    helpful: bool | None
    when: datetime


@dataclass
class LanguageFeedback:
    """One lesson's feedback from the learners who read it in one language."""

    language: str
    helpful: int = 0
    not_helpful: int = 0
    comments: list[Comment] = field(default_factory=list)

    @property
    def ratings(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_percent(self) -> int | None:
        return round(100 * self.helpful / self.ratings) if self.ratings else None


def course_feedback(course: Course) -> dict[str, dict[str, LanguageFeedback]]:
    """Lesson key -> language -> the ratings and comments, newest comment
    first. Anonymous: the report never names the learner. One query."""
    report: dict[str, dict[str, LanguageFeedback]] = defaultdict(dict)
    rows = db.session.execute(
        select(LessonFeedback.lesson_key, LessonFeedback.language, LessonFeedback.helpful, LessonFeedback.comment,
               LessonFeedback.updated_dt)
        .where(LessonFeedback.course_id == course.id).order_by(LessonFeedback.updated_dt.desc())
    )
    for lesson_key, language, helpful, comment, when in rows:
        item = report[lesson_key].setdefault(language, LanguageFeedback(language))
        if helpful is True:
            item.helpful += 1
        elif helpful is False:
            item.not_helpful += 1
        if comment:
            item.comments.append(Comment(comment, helpful, when))
    return report
