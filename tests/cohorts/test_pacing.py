"""Scheduled pacing: a module opens for the cohort on the date the tutor set."""

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from helpers import answers_for, lesson_url, statements_sent
from markupsafe import escape

from academy.cohorts import services

TODAY = date.today()


@pytest.fixture
def scheduled(make_cohort, course):
    cohort = make_cohort(pacing="scheduled")
    services.set_module_openings(cohort, course, {
        course.modules[0].id: TODAY - timedelta(days=3),
        course.modules[1].id: TODAY + timedelta(days=4),
        course.modules[2].id: None,
    })
    return cohort


@pytest.fixture
def member(scheduled, course, make_user, client, login):
    learner = make_user("hoa")
    services.join_cohort(learner, scheduled, course)
    login(client, learner)
    return learner


def test_a_module_is_closed_before_its_date(member, course):
    second = course.modules[1]
    assert services.module_opens_on(member, course, second.id) == TODAY + timedelta(days=4)


def test_a_module_is_open_on_and_after_its_date(member, course):
    second = course.modules[1]
    assert services.module_opens_on(member, course, second.id, today=TODAY + timedelta(days=4)) is None
    assert services.module_opens_on(member, course, second.id, today=TODAY + timedelta(days=9)) is None


def test_a_module_without_a_date_is_open(member, course):
    assert services.module_opens_on(member, course, course.modules[2].id) is None


def test_the_lesson_page_of_a_closed_module_says_when_it_opens(client, member, course):
    lesson = course.modules[1].lessons[0]
    response = client.get(lesson_url(course, lesson))
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Not open yet" in page
    assert format_date(TODAY + timedelta(days=4), "long", locale="en") in page


def test_the_lesson_page_of_an_open_module_is_shown(client, member, course):
    assert client.get(lesson_url(course, course.modules[0].lessons[0])).status_code == 200


def test_answers_to_a_closed_module_are_refused(client, member, course):
    lesson = next(lesson for lesson in course.modules[1].lessons if lesson.graded)
    response = client.post(lesson_url(course, lesson) + "/answers", data=answers_for(lesson.source))
    assert response.status_code == 404  # abort(403) is shown as "not found" by the app's error pages
    from academy.extensions import db
    from academy.learn.models import Attempt

    assert db.session.query(Attempt).count() == 0


def test_open_pacing_ignores_the_dates(make_cohort, course, make_user):
    cohort = make_cohort(pacing="open")
    services.set_module_openings(cohort, course, {course.modules[1].id: TODAY + timedelta(days=4)})
    learner = make_user("hoa")
    services.join_cohort(learner, cohort, course)
    assert services.module_opens_on(learner, course, course.modules[1].id) is None


def test_a_learner_outside_the_cohort_is_not_held_back(scheduled, course, make_user):
    assert services.module_opens_on(make_user("free"), course, course.modules[1].id) is None


def test_the_tutor_sets_the_dates_on_the_openings_page(client, login, tutor, scheduled, course):
    login(client, tutor)
    second = course.modules[1]
    response = client.post(f"/cohorts/{scheduled.id}/openings", data={f"opens_{second.id}": "2030-01-15"})
    assert response.status_code == 302
    assert services.opening_dates(scheduled)[second.id] == date(2030, 1, 15)


def test_a_new_scheduled_cohort_spreads_the_modules_over_its_dates(make_cohort, course):
    cohort = make_cohort(pacing="scheduled", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 31))
    dates = services.opening_dates(cohort)
    assert [dates[module.id] for module in course.modules] == [date(2026, 3, 2), date(2026, 3, 11), date(2026, 3, 21)]


def test_my_learning_shows_when_the_next_module_opens(client, member, course):
    page = client.get("/my").get_data(as_text=True)
    assert "The next module" in page
    assert str(escape(course.modules[1].text("en").title)) in page


def test_the_opening_check_costs_one_query(member, course):
    assert member.id  # loaded before counting
    statements = statements_sent(lambda: services.module_opens_on(member, course, course.modules[1].id))
    assert len(statements) == 1
