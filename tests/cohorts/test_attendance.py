"""Sessions and attendance, and completion that needs attendance."""

from datetime import datetime, timedelta

import pytest

from academy.cohorts import attendance, services

NOW = datetime(2026, 5, 20, 12, 0)


@pytest.fixture
def learners(cohort, add_learners):
    return add_learners(cohort, ["Nguyễn Thị Mai", "王芳", "فاطمة الزهراء"])


@pytest.fixture
def session(cohort):
    return attendance.add_session(cohort, datetime.now() - timedelta(hours=1), "in-person", "Training room 2")


@pytest.fixture
def signed_in_tutor(client, login, tutor):
    login(client, tutor)
    return tutor


def held(cohort, days_ago, modality="in-person"):
    return attendance.add_session(cohort, NOW - timedelta(days=days_ago), modality)


def test_the_tutor_schedules_a_session(client, signed_in_tutor, cohort):
    response = client.post(f"/cohorts/{cohort.id}/sessions",
                           data={"starts_dt": "2026-06-01T08:30", "modality": "webinar", "place": "Zoom room"})
    assert response.status_code == 302
    [session] = attendance.sessions_of(cohort)
    assert (session.starts_dt, session.modality, session.place) == (datetime(2026, 6, 1, 8, 30), "webinar", "Zoom room")


def test_a_session_without_a_time_is_refused(client, signed_in_tutor, cohort):
    response = client.post(f"/cohorts/{cohort.id}/sessions", data={"starts_dt": "", "modality": "in-person"})
    assert response.status_code == 422
    assert attendance.sessions_of(cohort) == []


def test_the_attendance_form_has_one_row_of_three_choices_per_learner(client, signed_in_tutor, cohort, learners, session):
    page = client.get(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance").get_data(as_text=True)
    assert page.count('class="attendance-row"') == 3
    for learner in learners:
        assert page.count(f'name="status-{learner.id}"') == 3


def test_attendance_is_recorded(client, signed_in_tutor, cohort, learners, session):
    mai, fang, fatima = learners
    client.post(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance", data={
        f"status-{mai.id}": "present", f"status-{fang.id}": "absent", f"status-{fatima.id}": "excused"})
    assert attendance.attendance_for_session(session) == {mai.id: "present", fang.id: "absent", fatima.id: "excused"}


def test_attendance_can_be_changed(client, signed_in_tutor, cohort, learners, session):
    mai = learners[0]
    url = f"/cohorts/{cohort.id}/sessions/{session.id}/attendance"
    client.post(url, data={f"status-{mai.id}": "absent"})
    client.post(url, data={f"status-{mai.id}": "present"})
    assert attendance.attendance_for_session(session) == {mai.id: "present"}


def test_the_form_shows_what_was_recorded(client, signed_in_tutor, cohort, learners, session):
    mai = learners[0]
    attendance.record_attendance(session, {mai.id: "excused"})
    page = client.get(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance").get_data(as_text=True)
    assert f'name="status-{mai.id}" value="excused" checked' in page


def test_marking_everyone_present_keeps_what_was_recorded(client, signed_in_tutor, cohort, learners, session):
    mai, fang, fatima = learners
    attendance.record_attendance(session, {fang.id: "absent"})
    client.post(f"/cohorts/{cohort.id}/sessions/{session.id}/everyone-present")
    assert attendance.attendance_for_session(session) == {mai.id: "present", fang.id: "absent", fatima.id: "present"}


def test_an_unknown_status_is_refused(client, signed_in_tutor, cohort, learners, session):
    client.post(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance", data={f"status-{learners[0].id}": "asleep"})
    assert attendance.attendance_for_session(session) == {}


def test_someone_outside_the_cohort_cannot_be_marked(session, make_user):
    with pytest.raises(services.CohortError):
        attendance.record_attendance(session, {make_user("stranger").id: "present"})


def test_deleting_a_session_deletes_its_attendance(client, signed_in_tutor, cohort, learners, session):
    attendance.record_attendance(session, {learners[0].id: "present"})
    client.post(f"/cohorts/{cohort.id}/sessions/{session.id}/delete")
    assert attendance.sessions_of(cohort) == []
    from academy.cohorts.models import Attendance
    from academy.extensions import db

    assert db.session.query(Attendance).count() == 0


def test_deleting_a_learner_deletes_their_attendance_and_membership(learners, session):
    from academy.auth.services import delete_user
    from academy.cohorts.models import Attendance, CohortMember
    from academy.extensions import db

    attendance.record_attendance(session, {learners[0].id: "present", learners[1].id: "absent"})
    delete_user(learners[0])
    assert db.session.query(Attendance).count() == 1
    assert db.session.query(CohortMember).count() == 2


# -- completion rule -------------------------------------------------------------------

def test_no_requirement_is_always_met(cohort, learners, course):
    held(cohort, 3)
    assert attendance.attendance_requirement_met(learners[0], course.id, now=NOW)


def test_a_learner_in_no_cohort_has_no_requirement(make_user, course):
    assert attendance.attendance_requirement_met(make_user("free"), course.id, now=NOW)


def test_the_requirement_is_met_at_the_required_share(make_cohort, add_learners, course):
    cohort = make_cohort(min_attendance_percent=80)
    [mai] = add_learners(cohort, ["Mai"])
    sessions = [held(cohort, days) for days in (1, 2, 3, 4, 5)]
    attendance.record_attendance(sessions[0], {mai.id: "absent"})
    for session in sessions[1:]:
        attendance.record_attendance(session, {mai.id: "present"})
    assert attendance.attendance_requirement_met(mai, course.id, now=NOW)  # 4 of 5 = 80%


def test_the_requirement_is_not_met_below_the_share(make_cohort, add_learners, course):
    cohort = make_cohort(min_attendance_percent=80)
    [mai] = add_learners(cohort, ["Mai"])
    sessions = [held(cohort, days) for days in (1, 2, 3, 4, 5)]
    for session in sessions[:3]:
        attendance.record_attendance(session, {mai.id: "present"})
    attendance.record_attendance(sessions[3], {mai.id: "excused"})  # excused is not present
    assert not attendance.attendance_requirement_met(mai, course.id, now=NOW)  # 3 of 5 = 60%


def test_sessions_still_to_come_do_not_count(make_cohort, add_learners, course):
    cohort = make_cohort(min_attendance_percent=100)
    [mai] = add_learners(cohort, ["Mai"])
    past = held(cohort, 1)
    held(cohort, -2)  # in two days
    attendance.record_attendance(past, {mai.id: "present"})
    assert attendance.attendance_requirement_met(mai, course.id, now=NOW)


def test_only_in_person_sessions_count(make_cohort, add_learners, course):
    cohort = make_cohort(min_attendance_percent=100)
    [mai] = add_learners(cohort, ["Mai"])
    room = held(cohort, 1)
    webinar = held(cohort, 2, "webinar")
    attendance.record_attendance(room, {mai.id: "present"})
    attendance.record_attendance(webinar, {mai.id: "absent"})
    assert attendance.attendance_requirement_met(mai, course.id, now=NOW)


def test_the_learner_sees_their_own_attendance_on_my_learning(client, login, make_cohort, course, make_user):
    cohort = make_cohort(min_attendance_percent=80)
    mai = make_user("mai", display_name="Nguyễn Thị Mai")
    other = make_user("fang", display_name="王芳")
    services.join_cohort(mai, cohort, course)
    services.join_cohort(other, cohort, course)
    session = attendance.add_session(cohort, datetime.now() - timedelta(days=1), "in-person", "Room 7")
    attendance.record_attendance(session, {mai.id: "present", other.id: "absent"})
    login(client, mai)
    page = client.get("/my").get_data(as_text=True)
    assert "Room 7" in page and "Present at 1 of 1 in-person session" in page
    assert "王芳" not in page
