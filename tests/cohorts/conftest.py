"""Cohort fixtures: tutors, an admin, a cohort factory and fast learners."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
from helpers import CHEAP_PASSWORD_HASH, FixedLibrary, answers_for

from academy.auth.models import User
from academy.cohorts import services
from academy.cohorts.models import CohortMember
from academy.extensions import db
from academy.learn import services as learning
from academy.learn.models import Enrollment


@pytest.fixture(autouse=True)
def fixed_library(app, shipped_library):
    app.extensions["academy.library"] = FixedLibrary(shipped_library)


@pytest.fixture
def other_tutor(make_user):
    return make_user("tutor-ben", role="tutor", display_name="Ben Tutor")


@pytest.fixture
def make_cohort(course, tutor):
    def make(tutors=None, pacing="open", name="Line 3 morning shift", language="vi", starts_on=None,
             ends_on=None, course_=None, **kwargs):
        starts_on = starts_on or date.today() - timedelta(days=7)
        ends_on = ends_on or starts_on + timedelta(days=27)
        return services.create_cohort(course_ or course, name, language, starts_on, ends_on, tutors or [tutor],
                                      pacing=pacing, **kwargs)

    return make


@pytest.fixture
def cohort(make_cohort):
    return make_cohort()


@pytest.fixture
def add_learners(course):
    """Learners put straight into a cohort (no password hashing, no
    requests): for tests that need many."""

    def add(cohort, names, language="vi"):
        users = [User(username=f"learner-{cohort.id}-{i}", display_name=name, password_hash=CHEAP_PASSWORD_HASH,
                      role="learner", language=language) for i, name in enumerate(names)]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, course_id=cohort.course_id))
            db.session.add(Enrollment(user_id=user.id, course_id=cohort.course_id))
        db.session.commit()
        return users

    return add


@pytest.fixture
def answer(course):
    """Record an attempt through the real grading code: every answer right
    (or wrong), with some answers replaced by ``override``."""

    def submit(user, lesson, correct=True, override=None, now=None):
        form = {**answers_for(lesson.source, correct), **(override or {})}
        form = {key: value if isinstance(value, list) else [value] for key, value in form.items()}
        attempt, _created = learning.submit_attempt(user, course, lesson, "en", secrets.token_hex(8), form, now=now)
        return attempt

    return submit
