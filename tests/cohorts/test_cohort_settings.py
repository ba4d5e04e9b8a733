"""Creating and changing a cohort, and the dates a tutor can get wrong."""

from datetime import date

import pytest
from sqlalchemy import func, select

from academy.cohorts import attendance, services
from academy.cohorts.models import Cohort
from academy.extensions import db


@pytest.fixture
def signed_in_tutor(client, login, tutor):
    login(client, tutor)
    return tutor


def form(course_, **changes):
    data = {"course": course_.id, "name": "Line 3", "language": "vi", "starts_on": "2026-03-02",
            "ends_on": "2026-03-31", "pacing": "open"}
    return {**data, **changes}


def cohorts() -> int:
    return db.session.scalar(select(func.count(Cohort.id)))


def test_a_cohort_is_created_with_its_settings(client, signed_in_tutor, course):
    client.post("/cohorts/new", data=form(course, pacing="scheduled", min_attendance_percent="75",
                                          join_code_expires_on="2026-03-09"))
    cohort = db.session.scalar(select(Cohort))
    assert (cohort.name, cohort.language, cohort.starts_on, cohort.ends_on) == ("Line 3", "vi", date(2026, 3, 2), date(2026, 3, 31))
    assert (cohort.pacing, cohort.min_attendance_percent, cohort.join_code_expires_on) == ("scheduled", 75, date(2026, 3, 9))


def test_an_end_before_the_start_is_refused(client, signed_in_tutor, course):
    response = client.post("/cohorts/new", data=form(course, ends_on="2026-02-01"))
    assert response.status_code == 422
    assert "The last day must be on or after the first day." in response.get_data(as_text=True)
    assert cohorts() == 0


def test_a_date_that_does_not_exist_is_refused(client, signed_in_tutor, course):
    response = client.post("/cohorts/new", data=form(course, starts_on="2026-02-30"))
    assert response.status_code == 422
    assert cohorts() == 0


def test_an_attendance_share_over_100_is_refused(client, signed_in_tutor, course):
    response = client.post("/cohorts/new", data=form(course, min_attendance_percent="120"))
    assert response.status_code == 422
    assert "Please enter a number from 0 to 100." in response.get_data(as_text=True)


def test_a_course_that_is_not_offered_is_refused(client, signed_in_tutor, course):
    assert client.post("/cohorts/new", data=form(course, course="no-such-course")).status_code == 422
    assert cohorts() == 0


def test_the_settings_can_be_changed_but_not_the_course(client, signed_in_tutor, cohort, course):
    response = client.post(f"/cohorts/{cohort.id}/edit", data=form(course, course="hrdd-essentials", name="Renamed",
                                                                    tutors=[str(signed_in_tutor.id)]))
    assert response.status_code == 302
    db.session.refresh(cohort)
    assert cohort.name == "Renamed" and cohort.course_id == course.id


def test_switching_to_scheduled_pacing_gives_every_module_a_date(client, signed_in_tutor, cohort, course):
    assert services.opening_dates(cohort) == {}
    client.post(f"/cohorts/{cohort.id}/edit", data=form(course, pacing="scheduled", tutors=[str(signed_in_tutor.id)]))
    db.session.refresh(cohort)
    assert set(services.opening_dates(cohort)) == {module.id for module in course.modules}


def test_a_session_time_that_does_not_exist_is_refused(client, signed_in_tutor, cohort):
    response = client.post(f"/cohorts/{cohort.id}/sessions", data={"starts_dt": "2026-02-30T09:00", "modality": "in-person"})
    assert response.status_code == 422
    assert attendance.sessions_of(cohort) == []


def test_a_bad_opening_date_is_refused(client, signed_in_tutor, make_cohort, course):
    cohort = make_cohort(pacing="scheduled")
    before = services.opening_dates(cohort)
    response = client.post(f"/cohorts/{cohort.id}/openings", data={f"opens_{course.modules[1].id}": "someday"})
    assert response.status_code == 422
    assert services.opening_dates(cohort) == before
