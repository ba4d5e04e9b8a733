"""Helpers for the sync tests (tests/sync, tests/postgres): running code
inside one Academy of several, and learners who really learn through the
services the views call."""

from __future__ import annotations

import secrets
from contextlib import contextmanager

from helpers import answers_for

from academy.auth.services import create_user
from academy.certificates.services import issue_if_eligible
from academy.extensions import db
from academy.learn import services as learning
from academy.programmes import services as programmes


@contextmanager
def inside(app):
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()


def learn(user, course, lessons=None, now=None):
    """The learner enrols and does the first ``lessons`` lessons (all by
    default), passing every quiz at the second try; a certificate when the
    course is done."""
    learning.enroll(user, course, now=now)
    for lesson in course.lessons[: len(course.lessons) if lessons is None else lessons]:
        if lesson.graded:
            for correct in (False, True):
                form = {k: v if isinstance(v, list) else [v] for k, v in answers_for(lesson.source, correct).items()}
                learning.submit_attempt(user, course, lesson, "en", secrets.token_hex(8), form, now=now)
        else:
            learning.mark_done(user, course, lesson, now=now)
    issue_if_eligible(user, course, "Academy", now=now)


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
