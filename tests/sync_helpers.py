"""Helpers for the sync tests (tests/sync, tests/postgres): running code
inside one Academy of several, and learners who really learn through the
services the views call."""

from __future__ import annotations

import secrets
from contextlib import contextmanager

from helpers import answers_for
from sqlalchemy import select

from academy.auth.models import User
from academy.auth.services import create_user
from academy.certificates.services import issue_after_completion
from academy.cohorts.review import review
from academy.extensions import db
from academy.learn import assignments
from academy.learn import services as learning
from academy.library import get_library
from academy.programmes import services as programmes


@contextmanager
def inside(app):
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def learn(user, course, lessons=None, now=None, reviewer=None):
    """The learner enrols and does the first ``lessons`` lessons (all by
    default), passing every quiz at the second try and handing in every
    assignment (one a tutor reviews is accepted by ``reviewer``, an admin
    made for it by default); certificates when the course is done (the
    course's, and a learning path's the learner is on and has now
    finished), as the views issue them."""
    learning.enroll(user, course, now=now)
    for lesson in course.lessons[: len(course.lessons) if lessons is None else lessons]:
        if lesson.graded:
            for correct in (False, True):
                form = {k: v if isinstance(v, list) else [v] for k, v in answers_for(lesson.source, correct).items()}
                learning.submit_attempt(user, course, lesson, "en", secrets.token_hex(8), form, now=now)
        elif not lesson.assignments:
            learning.mark_done(user, course, lesson, now=now)
        for assignment in lesson.assignments:
            answer = assignments.submit(user, course, lesson, assignment, "Two doors: the union and the hotline.", "en",
                                        now=now)
            if assignment.needs_review:
                review(answer, reviewer or _reviewer(), course, lesson, assignment,
                       {criterion.id: True for criterion in assignment.criteria}, "", "accepted", now=now)
    issue_after_completion(user, course, get_library(), now=now)


def _reviewer():
    found = db.session.scalar(select(User).filter_by(username="reviewer"))
    return found or create_user("reviewer", "a long password", "Reviewer", role="admin")


def people(prefix, count, organisation=None, gender=None, job_role=None):
    users = []
    for index in range(count):
        user = create_user(f"{prefix}{index}", "a long password", f"{prefix.title()} {index}")
        programmes.update_profile(user, {"gender": gender, "job_role": job_role, "age_band": None})
        if organisation is not None:
            programmes.set_organisation(user, organisation.id)
        users.append(user)
    db.session.flush()
    return users
