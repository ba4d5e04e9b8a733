"""What a learner sees of their cohort on "My learning": its schedule and
their own attendance, nobody else's."""

from datetime import datetime, timedelta

import pytest

from academy.cohorts import attendance, services


@pytest.fixture
def mai(make_user, cohort, course, client, login):
    user = make_user("mai", display_name="Nguyễn Thị Mai")
    services.join_cohort(user, cohort, course)
    login(client, user)
    return user


def test_a_learner_sees_their_cohorts_sessions(client, mai, cohort):
    attendance.add_session(cohort, datetime(2030, 3, 4, 8, 30), "in-person", "Training room 2")
    attendance.add_session(cohort, datetime(2030, 3, 11, 8, 30), "webinar", "Online")
    page = client.get("/my").get_data(as_text=True)
    assert "Line 3 morning shift" in page
    assert "Training room 2" in page and "Online" in page
    assert "Tue, Mar 5, 2030" not in page and "Mon, Mar 4, 2030, 08:30" in page


def test_a_learner_does_not_see_another_cohorts_sessions(client, mai, make_cohort):
    other = make_cohort(name="Evening shift")
    attendance.add_session(other, datetime(2030, 3, 4, 18, 0), "in-person", "Hall B")
    page = client.get("/my").get_data(as_text=True)
    assert "Evening shift" not in page and "Hall B" not in page


def test_a_learner_sees_their_tutor(client, mai):
    assert "Ana Tutor" in client.get("/my").get_data(as_text=True)


def test_a_learner_without_a_cohort_finds_the_join_form(client, login, make_user):
    login(client, make_user("solo"))
    page = client.get("/my").get_data(as_text=True)
    assert 'action="/cohorts/join"' in page and "My cohort" not in page


def test_a_session_time_is_shown_as_the_tutor_entered_it(client, mai, cohort):
    attendance.add_session(cohort, datetime(2030, 3, 4, 23, 45), "in-person")
    assert "23:45" in client.get("/my").get_data(as_text=True)


def test_a_learner_sees_their_attendance_only_after_the_session(client, mai, cohort):
    past = attendance.add_session(cohort, datetime.now() - timedelta(days=2), "in-person", "Room A")
    attendance.add_session(cohort, datetime.now() + timedelta(days=2), "in-person", "Room B")
    attendance.record_attendance(past, {mai.id: "excused"})
    page = client.get("/my").get_data(as_text=True)
    assert page.count("Excused") == 1
