"""Programme fixtures: organisations, learners with profiles, and a way to
put a learner's progress straight into the tables (for reports)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from helpers import CHEAP_PASSWORD_HASH, FixedLibrary

from academy.auth.models import User
from academy.certificates.models import Certificate
from academy.cohorts import services as cohorts
from academy.cohorts.models import CohortMember
from academy.extensions import db
from academy.learn.models import Enrollment, LessonProgress
from academy.programmes import services as programmes


@pytest.fixture(autouse=True)
def fixed_library(app, shipped_library):
    app.extensions["academy.library"] = FixedLibrary(shipped_library)


@pytest.fixture
def officer(make_user):
    return make_user("officer", role="officer", display_name="Programme Officer")


@pytest.fixture
def make_organisation(app):
    def make(name="Saigon Garments", country="VN", sector="apparel", parent=None):
        organisation = programmes.create_organisation(name, country, sector, parent)
        db.session.commit()
        return organisation

    return make


@pytest.fixture
def make_cohort(course, tutor):
    def make(name="Line 3", organisation=None, course_=None, starts_on=None):
        starts_on = starts_on or date.today() - timedelta(days=7)
        cohort = cohorts.create_cohort(course_ or course, name, "vi", starts_on, starts_on + timedelta(days=27), [tutor],
                                       organisation_id=organisation.id if organisation else None)
        db.session.commit()
        return cohort

    return make


#: A fixed day inside the quarter the report tests look at (April to June 2026).
DAY = datetime(2026, 5, 12, 9, 0)


@pytest.fixture
def learners(app):
    """Learners made straight in the tables (no password hashing, no
    requests), each with a profile; returns the users."""
    counter = iter(range(1, 100_000))

    def make(count, organisation=None, gender=None, job_role=None, age_band=None, role="learner"):
        users = [User(username=f"person-{next(counter)}", display_name="Learner", password_hash=CHEAP_PASSWORD_HASH, role=role,
                      language="vi") for _ in range(count)]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            programmes.update_profile(user, {"gender": gender, "job_role": job_role, "age_band": age_band})
            if organisation is not None:
                programmes.set_organisation(user, organisation.id)
        db.session.commit()
        return users

    return make


@pytest.fixture
def progress(app):
    """Record what learners did in a course, straight into the tables:
    ``lessons`` opened (the first n), ``completed`` of those, the course
    complete, a certificate; all at ``when``."""
    codes = iter(range(1, 10_000_000))

    def record(users, course, when=DAY, lessons=0, completed=0, course_complete=False, certificate=False,
               score=None, cohort=None):
        for user in users:
            db.session.add(Enrollment(user_id=user.id, course_id=course.id, enrolled_dt=when,
                                      completed_dt=when if course_complete else None))
            if cohort is not None:
                db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, course_id=course.id, joined_dt=when))
            for index, lesson in enumerate(course.lessons[:lessons]):
                db.session.add(LessonProgress(
                    user_id=user.id, course_id=course.id, lesson_key=lesson.key, started_dt=when,
                    completed_dt=when if index < completed else None,
                    best_score=score if lesson.graded else None, attempt_count=1 if lesson.graded and score else 0))
            if certificate:
                db.session.add(Certificate(id=f"c{user.id}{course.id}"[:32], code=f"T{next(codes):07d}", user_id=user.id,
                                           course_id=course.id, course_version="v", learner_name=user.display_name,
                                           completed_on=when.date(), organisation_name="Academy", issued_dt=when))
        db.session.commit()

    return record
