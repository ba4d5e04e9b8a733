"""A person's own data, whole: what "Download my data" gives them. It reads
every domain's records, so it sits above them all."""

from __future__ import annotations

from sqlalchemy import select

from .auth.models import LoginSession, User
from .certificates.models import Certificate
from .extensions import db
from .learn.models import Attempt, Enrollment, LessonFeedback, LessonProgress, PathEnrollment, Submission
from .programmes import services as programmes
from .sync.models import SyncLearner


def export_user_data(user: User, library=None) -> dict:
    """Everything recorded about one person, as JSON-able data."""
    def rows(model):
        return db.session.scalars(select(model).filter_by(user_id=user.id))

    def iso(value):
        return value.isoformat() + "Z" if value else None

    # The random key this box's bundles use for the person (docs/sync.md):
    # with it they can ask the programme's hub for what it holds of them.
    sync_key = db.session.scalar(select(SyncLearner.key).filter_by(
        user_id=user.id, user_created_dt=user.created_dt, erased_dt=None))
    profile = programmes.profile_of(user)
    return {
        "account": {
            "username": user.username, "display_name": user.display_name, "email": user.email,
            "role": user.role, "language": user.language, "created": iso(user.created_dt),
        },
        # programmes: the organisation and the optional answers for the reports
        "profile": {
            "organisation": programmes.organisation_name_of(user),
            "gender": profile.gender if profile else None,
            "job_role": profile.job_role if profile else None,
            "age_band": profile.age_band if profile else None,
        },
        "known_to_the_programme_hub_as": sync_key,
        "enrollments": [
            {"course": e.course_id, "enrolled": iso(e.enrolled_dt), "completed": iso(e.completed_dt),
             "last_lesson": e.last_lesson_key} for e in rows(Enrollment)
        ],
        "progress": [
            {"course": p.course_id, "lesson": p.lesson_key, "started": iso(p.started_dt),
             "completed": iso(p.completed_dt), "best_score": p.best_score, "attempts": p.attempt_count}
            for p in rows(LessonProgress)
        ],
        "attempts": [
            {"course": a.course_id, "lesson": a.lesson_key, "lesson_version": a.lesson_version, "language": a.language,
             "answers": a.answers, "results": a.results, "score": a.score, "passed": a.passed, "time": iso(a.created_dt)}
            for a in rows(Attempt)
        ],
        # When and how long they were signed in; never the session ids, which sign in.
        "sign_ins": [
            {"started": iso(s.created_dt), "last_seen": iso(s.last_seen_dt), "ended": iso(s.ended_dt)}
            for s in rows(LoginSession)
        ],
        "assignments": [
            {"course": s.course_id, "lesson": s.lesson_key, "assignment": s.assignment_id, "language": s.language,
             "answer": s.text, "status": s.status, "tries": s.round, "submitted": iso(s.submitted_dt),
             "files": [{"id": f.id, "kind": f.kind, "bytes": f.size} for f in s.files],
             "reviews": [{"decision": r.decision, "criteria": r.marks, "feedback": r.feedback, "time": iso(r.created_dt)}
                         for r in s.reviews]}
            for s in rows(Submission)
        ],
        "learning_paths": [
            {"path": p.path_id, "started": iso(p.enrolled_dt), "completed": iso(p.completed_dt)} for p in rows(PathEnrollment)
        ],
        "lesson_feedback": [
            {"course": f.course_id, "lesson": f.lesson_key, "language": f.language, "helpful": f.helpful,
             "comment": f.comment, "time": iso(f.updated_dt)} for f in rows(LessonFeedback)
        ],
        "certificates": [
            {"code": c.display_code, "course": c.course_id, "name": c.learner_name, "completed": c.completed_on.isoformat(),
             "issued": iso(c.issued_dt), "revoked": iso(c.revoked_dt), "revoke_reason": c.revoke_reason}
            for c in rows(Certificate)
        ],
    }
