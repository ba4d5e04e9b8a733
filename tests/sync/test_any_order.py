"""Property: whatever bundles reach the hub, how often and in what order,
once each has arrived the hub holds exactly what it holds after receiving
each once, in order: the union of what the box sent."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sync_helpers import inside, learn, people

from academy.auth import services as accounts
from academy.auth.models import User
from academy.cohorts import attendance
from academy.cohorts import services as cohorts
from academy.cohorts.models import CohortSession
from academy.extensions import db
from academy.library import get_library
from academy.programmes import services as programmes
from academy.programmes.report import ReportFilters, compute_report
from academy.sync import hub
from academy.sync.bundle import export_bundle
from academy.sync.identity import box_key, fingerprint
from academy.sync.models import (
    HubAttendance,
    HubCertificate,
    HubEnrolment,
    HubLearner,
    HubLesson,
    HubMember,
    HubRevocation,
    HubSession,
)
from academy.sync.source import HubSource


@pytest.fixture
def bundles(make_academy, shipped_library):
    """Five bundles of one box, with learning, a changed attendance, a
    revoked certificate and a deleted account between them; some hold only
    what is new, some everything not acknowledged."""
    app = make_academy("box")
    hrdd, climate = shipped_library.get("hrdd-essentials"), shipped_library.get("climate-action-cycling")
    made = []

    def export(**options):
        with inside(app):
            made.append(export_bundle(box_key(app.config["DATA_DIR"]), get_library(), **options).data)
            db.session.commit()

    with inside(app):
        organisation = programmes.create_organisation("Saigon Garments", "VN")
        tutor = people("tutor", 1)[0]
        tutor.role = "tutor"
        cohort = cohorts.create_cohort(hrdd, "Line 3", "vi", date(2026, 5, 1), date(2026, 6, 1), [tutor],
                                       organisation_id=organisation.id)
        first = people("a", 3, organisation, gender="woman")
        for user in first:
            cohorts.join_cohort(user, cohort, hrdd)
            learn(user, hrdd, lessons=3)
        session = attendance.add_session(cohort, datetime(2026, 5, 4, 9), "in-person")
        attendance.record_attendance(session, {u.id: "present" for u in first})
        db.session.commit()
        session_id, organisation_id = session.id, organisation.id
    export(new_only=True)
    with inside(app):
        for user in db.session.scalars(select(User).where(User.username.in_(["a0", "a1"]))):
            learn(user, hrdd)
        for user in people("b", 2, gender="man", job_role="worker"):
            learn(user, climate, lessons=2)
        db.session.commit()
    export(new_only=True)
    with inside(app):
        session = db.session.get(CohortSession, session_id)
        attendance.record_attendance(session, {db.session.scalar(select(User.id).filter_by(username="a2")): "absent"})
        from academy.certificates.models import Certificate
        from academy.certificates.services import revoke

        revoke(db.session.scalar(select(Certificate).join(User).filter(User.username == "a0")), "a mistake")
        db.session.commit()
    export()
    with inside(app):
        accounts.delete_user(db.session.scalar(select(User).filter_by(username="b1")))
        programmes.update_profile(db.session.scalar(select(User).filter_by(username="a1")), {"job_role": "supervisor"})
        db.session.commit()
    export(new_only=True)
    with inside(app):
        learn(people("c", 1, db.session.get(programmes.Organisation, organisation_id), gender="another")[0], climate)
        db.session.commit()
    export(new_only=True)
    with inside(app):
        box_id = fingerprint(box_key(app.config["DATA_DIR"]))
    return box_id, made, hub_after(make_academy, "in-order", box_id, made)


def snapshot():
    """Everything the hub holds, by the box's keys, not the hub's numbers."""
    key_of = dict(db.session.execute(select(HubLearner.id, HubLearner.key)).all())
    learners = sorted(db.session.execute(select(HubLearner.key, HubLearner.role, HubLearner.gender, HubLearner.job_role,
                                                HubLearner.organisation_id, HubLearner.erased)).all())
    enrolments = sorted((key_of[r[0]], *r[1:]) for r in db.session.execute(select(
        HubEnrolment.learner_id, HubEnrolment.course_id, HubEnrolment.enrolled_dt, HubEnrolment.started_dt,
        HubEnrolment.completed_dt)))
    lessons = sorted((key_of[r[0]], *r[1:]) for r in db.session.execute(select(
        HubLesson.learner_id, HubLesson.course_id, HubLesson.lesson_key, HubLesson.completed_dt, HubLesson.best_score,
        HubLesson.minutes)))
    members = sorted((key_of[r[0]], r[1]) for r in db.session.execute(select(HubMember.learner_id, HubMember.course_id)))
    certificates = sorted(db.session.execute(select(HubCertificate.id, HubCertificate.code)).all())
    revocations = sorted(db.session.execute(select(HubRevocation.certificate_id)).all())
    sessions = sorted(db.session.execute(select(HubSession.local_key, HubSession.modality, HubSession.starts_dt,
                                                HubSession.cancelled)).all())
    present = sorted((key_of[r[0]], r[1]) for r in db.session.execute(select(HubAttendance.learner_id, HubAttendance.status)))
    report = compute_report(HubSource(get_library()), ReportFilters(date(2000, 1, 1), date(2100, 1, 1)))
    numbers = (report.total, sorted(report.by_gender.items(), key=str), sorted(report.by_job_role.items(), key=str))
    return learners, enrolments, lessons, members, certificates, revocations, sessions, present, repr(numbers)


def hub_after(make_academy, name, box_id, deliveries):
    app = make_academy(name, role="hub")
    with inside(app):
        hub.register_box(box_id, "box")
        db.session.commit()
        for data in deliveries:
            hub.import_bundle(data, app.config["DATA_DIR"])
            db.session.commit()
        return snapshot()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_deliveries_of_every_bundle_give_the_union(make_academy, bundles, data):
    box_id, made, in_order = bundles
    order = data.draw(st.permutations(range(len(made))))
    repeats = data.draw(st.lists(st.integers(0, len(made) - 1), max_size=6))
    deliveries = list(order)
    for index in repeats:
        deliveries.insert(data.draw(st.integers(0, len(deliveries))), index)
    name = f"hub-{uuid.uuid4().hex}"
    assert hub_after(make_academy, name, box_id, [made[i] for i in deliveries]) == in_order


def test_the_union_has_what_the_box_has(make_academy, bundles):
    _box_id, _made, in_order = bundles
    learners, _enrolments, _lessons, _members, _certificates, revocations, sessions, present, _numbers = in_order
    assert sum(1 for row in learners if row[-1]) == 1  # b1 erased
    assert len(revocations) == 1
    assert [s[0] for s in sessions] == ["1"] and sorted(status for _key, status in present) == ["absent", "present", "present"]
