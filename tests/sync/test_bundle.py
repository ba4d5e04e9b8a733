"""What a box puts in a bundle: its events once each, signed, at the
privacy level the admin chose."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sync_helpers import inside, learn, people

from academy.cohorts import attendance
from academy.cohorts import services as cohorts
from academy.extensions import db
from academy.library import get_library
from academy.programmes import services as programmes
from academy.sync.bundle import EVENTS, BundleError, check_bundle, export_bundle, read_bundle
from academy.sync.collect import collect_events
from academy.sync.identity import box_key, fingerprint, public_key_text
from academy.sync.models import OutboxEvent


@pytest.fixture
def box(make_academy, shipped_library):
    app = make_academy("box")
    course = shipped_library.get("hrdd-essentials")
    with inside(app):
        organisation = programmes.create_organisation("Saigon Garments", "VN")
        tutor = people("tutor", 1)[0]
        tutor.role = "tutor"
        cohort = cohorts.create_cohort(course, "Line 3", "vi", date(2026, 5, 1), date(2026, 6, 1), [tutor],
                                       organisation_id=organisation.id)
        for user in people("mai", 3, organisation, gender="woman"):
            cohorts.join_cohort(user, cohort, course)
            learn(user, course)
        session = attendance.add_session(cohort, datetime(2026, 5, 4, 9), "in-person")
        db.session.commit()
        app.config["COHORT_ID"], app.config["SESSION_ID"] = cohort.id, session.id
    return app


def bundle_of(app, **options):
    with inside(app):
        key = box_key(app.config["DATA_DIR"])
        written = export_bundle(key, get_library(), **options)
        db.session.commit()
        bundle = read_bundle(written.data)
        events, state = check_bundle(bundle, public_key_text(key))
        return bundle, events, state


def kinds(events):
    counts = {}
    for event in events:
        counts[event["kind"]] = counts.get(event["kind"], 0) + 1
    return counts


def test_a_bundle_has_every_kind_of_event_once_and_is_signed_by_the_box(box, shipped_library):
    bundle, events, state = bundle_of(box)
    course = shipped_library.get("hrdd-essentials")
    graded = sum(1 for lesson in course.lessons if lesson.graded)
    assert kinds(events) == {"enrolled": 3, "course_started": 3, "lesson_completed": 3 * len(course.lessons),
                             "attempt_graded": 3 * 2 * graded, "course_completed": 3, "certificate_issued": 3,
                             "session_held": 1}
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    with inside(box):
        assert bundle.box_id == fingerprint(box_key(box.config["DATA_DIR"]))
    assert bundle.manifest["files"][EVENTS]["lines"] == len(events)
    assert {line["type"] for line in state} == {"organisation", "cohort", "learner"}


def test_collecting_again_finds_nothing_new(box):
    with inside(box):
        collect_events(get_library())
        count = db.session.scalar(select(func.count(OutboxEvent.id)))
        assert collect_events(get_library()) == 0
        assert db.session.scalar(select(func.count(OutboxEvent.id))) == count


def test_a_bundle_holds_everything_the_hub_has_not_acknowledged_with_the_same_event_ids(box):
    _bundle, first, _state = bundle_of(box)
    _bundle, second, _state = bundle_of(box)
    assert [e["id"] for e in second] == [e["id"] for e in first]


def test_a_learner_finds_the_key_the_bundles_know_them_by_in_their_data_download(box):
    """The key tells the hub nothing about the person; the person needs it
    to ask the programme what it holds of them."""
    _bundle, _events, state = bundle_of(box, privacy="pseudonymised")
    sent = {line["key"] for line in state if line["type"] == "learner"}
    with inside(box):
        from academy.auth.models import User
        from academy.data_export import export_user_data

        learners = db.session.scalars(select(User).where(User.username.like("mai%"))).all()
        keys = [export_user_data(user)["known_to_the_programme_hub_as"] for user in learners]
    assert len(set(keys)) == len(learners) == 3 and set(keys) <= sent


def test_pseudonymised_learners_have_a_random_key_and_no_name(box):
    bundle, events, state = bundle_of(box, privacy="pseudonymised")
    text = json.dumps([events, state], ensure_ascii=False)
    assert "Mai 0" not in text and "mai0" not in text
    learner = next(line for line in state if line["type"] == "learner" and line["role"] == "learner")
    assert len(learner["key"]) == 32 and learner["gender"] == "woman" and "name" not in learner
    with inside(box):
        from academy.auth.models import User

        ids = {str(u.id) for u in db.session.scalars(select(User))}
    assert learner["key"] not in ids


def test_full_names_go_at_the_full_level(box):
    _bundle, events, state = bundle_of(box, privacy="full")
    learner = next(line for line in state if line.get("username") == "mai0")
    assert learner["name"] == "Mai 0"
    certificate = next(e for e in events if e["kind"] == "certificate_issued")
    assert certificate["learner_name"].startswith("Mai ")


def test_at_the_aggregates_level_no_learner_leaves_the_box(box):
    bundle, events, state = bundle_of(box, privacy="aggregates")
    assert {line["type"] for line in state} == {"organisation", "cohort"}
    assert all("learner" not in e or e["learner"] is None for e in events)
    session = next(e for e in events if e["kind"] == "session_held")
    assert "attendance" not in session and "attendance_counts" in session
    assert {e["kind"] for e in events} == {"withheld", "certificate_issued", "session_held"}
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # no gap for the hub


def test_a_change_of_attendance_sends_the_session_again(box):
    _bundle, events, _state = bundle_of(box)
    with inside(box):
        session = attendance.session_of(db.session.get(cohorts.Cohort, box.config["COHORT_ID"]), box.config["SESSION_ID"])
        members = cohorts.members_of(session.cohort)
        attendance.record_attendance(session, {members[0][1].id: "absent"})
        db.session.commit()
        collect_events(get_library())
        versions = db.session.scalars(select(OutboxEvent).filter_by(kind="session_held").order_by(OutboxEvent.seq)).all()
    assert len(versions) == 2 and list(versions[-1].payload["attendance"].values()) == ["absent"]


def test_a_session_still_to_come_is_not_sent(box):
    with inside(box):
        cohort = db.session.get(cohorts.Cohort, box.config["COHORT_ID"])
        attendance.add_session(cohort, datetime.now() + timedelta(days=3), "webinar")
        db.session.commit()
    _bundle, events, _state = bundle_of(box)
    assert [e["modality"] for e in events if e["kind"] == "session_held"] == ["in-person"]


def test_a_deleted_account_is_sent_as_erased_and_its_number_reused_is_another_learner(box):
    from academy.auth import services as accounts
    from academy.auth.models import User

    _bundle, _events, state = bundle_of(box)
    with inside(box):
        user = db.session.scalar(select(User).filter_by(username="mai2"))
        accounts.delete_user(user)
        db.session.commit()
        collect_events(get_library())
        erased = db.session.scalars(select(OutboxEvent).filter_by(kind="learner_erased")).all()
    assert len(erased) == 1


def test_a_bundle_that_is_not_a_zip_is_not_a_bundle():
    with pytest.raises(BundleError) as caught:
        read_bundle(b"PK\x03\x04 not really")
    assert caught.value.code == "not-a-bundle"


def test_the_state_holds_the_learners_cohorts_and_organisation(box):
    _bundle, _events, state = bundle_of(box)
    with inside(box):
        cohort_id = box.config["COHORT_ID"]
    learner = next(line for line in state if line["type"] == "learner" and line["role"] == "learner")
    assert learner["cohorts"] == {"hrdd-essentials": cohort_id}
    organisation = next(line for line in state if line["type"] == "organisation")
    assert (organisation["name"], organisation["country"]) == ("Saigon Garments", "VN")


def test_a_lesson_completed_by_an_accepted_assignment_and_a_reissued_certificate_reach_the_bundle(box, shipped_library):
    """Main's ways of recording: a lesson done only when a tutor accepts its
    assignment; a re-issue that revokes a certificate and issues the next."""
    from academy.certificates.models import Certificate
    from academy.certificates.services import reissue

    course = shipped_library.get("preventing-sexual-harassment")
    reviewed = next(lesson for lesson in course.lessons if any(a.needs_review for a in lesson.assignments))
    with inside(box):
        user = people("lan", 1)[0]
        learn(user, course)
        first = db.session.scalar(select(Certificate).filter_by(user_id=user.id, course_id=course.id))
        second = reissue(first, user, course, "Academy", "name corrected")
        db.session.commit()
        first_id, second_id = first.id, second.id
    _bundle, events, _state = bundle_of(box)
    mine = [e for e in events if e.get("course") == course.id or e.get("certificate") in (first_id, second_id)]
    assert any(e["kind"] == "lesson_completed" and e["lesson"] == reviewed.key for e in mine)
    assert sum(1 for e in mine if e["kind"] == "lesson_completed") == len(course.lessons)
    assert {e["kind"] for e in mine} >= {"enrolled", "course_completed", "attempt_graded"}
    assert sorted((e["kind"], e["certificate"]) for e in mine if e["kind"].startswith("certificate")) == sorted([
        ("certificate_issued", first_id), ("certificate_revoked", first_id), ("certificate_issued", second_id)])
