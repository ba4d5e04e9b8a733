"""The impact report's numbers: who enrolled in the period, how far they
got by its end, by organisation, country, course, modality, gender and job
role, and the sessions held; and who may see it."""

from __future__ import annotations

import re

from datetime import date, datetime, timedelta

import pytest
from helpers import statements_sent

from academy.certificates.models import Certificate
from academy.cohorts import attendance
from academy.extensions import db
from academy.library import get_library
from academy.programmes.report import BoxSource, ReportFilters, compute_report, lesson_minutes, quarter_of

QUARTER = ReportFilters(date(2026, 4, 1), date(2026, 6, 30))
PERIOD = {"start": "2026-04-01", "end": "2026-06-30"}
DAY = datetime(2026, 5, 12, 9, 0)  # the day the fixtures' learners enrol (conftest.DAY)


def report(filters=QUARTER, now=datetime(2026, 7, 15)):
    return compute_report(BoxSource(get_library(), now=now), filters)


@pytest.fixture
def hrdd(library):
    return library.get("hrdd-essentials")


@pytest.fixture
def world(make_organisation, learners, progress, course, hrdd):
    """Two enterprises in two countries; women workers and men supervisors
    in Vietnam, learners who gave no answers in China."""
    saigon = make_organisation("Saigon Garments", "VN")
    dongguan = make_organisation("Dongguan Bikes", "CN", "cycling")
    women = learners(8, saigon, gender="woman", job_role="worker", age_band="20-29")
    men = learners(6, saigon, gender="man", job_role="supervisor", age_band="30-39")
    quiet = learners(5, dongguan)
    progress(women[:5], course, lessons=len(course.lessons), completed=len(course.lessons), course_complete=True,
             certificate=True, score=90.0)
    progress(women[5:7], course, lessons=2, completed=1)
    progress(women[7:], course)
    progress(men[:2], course, lessons=len(course.lessons), completed=len(course.lessons), course_complete=True, score=70.0)
    progress(men[2:], course, lessons=1)
    progress(quiet, hrdd, lessons=len(hrdd.lessons), completed=len(hrdd.lessons), course_complete=True, certificate=True,
             score=80.0)
    return {"saigon": saigon, "dongguan": dongguan, "women": women, "men": men, "quiet": quiet}


def counts(group):
    return (group.enrolled, group.started, group.completed, group.certified)


def test_the_report_counts_who_enrolled_started_completed_and_was_certified(world):
    result = report()
    assert counts(result.total) == (19, 18, 12, 10)
    assert result.total.completion_rate == pytest.approx(100 * 12 / 19)


def test_the_breakdowns_by_gender_and_job_role_add_up_to_the_total(world):
    result = report()
    assert counts(result.by_gender["woman"]) == (8, 7, 5, 5)
    assert counts(result.by_gender["man"]) == (6, 6, 2, 0)
    assert counts(result.by_gender[None]) == (5, 5, 5, 5)
    assert counts(result.by_job_role["supervisor"]) == (6, 6, 2, 0)
    assert sum(g.enrolled for g in result.by_job_role.values()) == result.total.enrolled
    assert counts(result.by_age_band["20-29"]) == (8, 7, 5, 5)


def test_the_report_counts_by_organisation_and_country(world):
    result = report()
    assert counts(result.by_organisation[world["saigon"].id]) == (14, 13, 7, 5)
    assert counts(result.by_country["CN"]) == (5, 5, 5, 5)
    assert (result.organisations_reached, result.countries_reached) == (2, 2)


def test_hours_of_learning_are_the_minutes_of_the_lessons_completed(world, course, hrdd):
    minutes = sum(lesson_minutes(course).values())
    first_lesson = lesson_minutes(course)[course.lessons[0].key]
    expected = 7 * minutes + 2 * first_lesson + 5 * sum(lesson_minutes(hrdd).values())
    assert report().total.minutes == pytest.approx(expected)


def test_a_lesson_without_minutes_shares_the_courses_estimate(course):
    from dataclasses import replace

    lessons = course.modules[0].lessons
    changed_module = replace(course.modules[0], lessons=(replace(lessons[0], minutes=None), *lessons[1:]))
    changed = replace(course, modules=(changed_module, *course.modules[1:]), estimated_minutes=100)
    given = sum(lesson.minutes for lesson in changed.lessons if lesson.minutes is not None)
    assert lesson_minutes(changed)[lessons[0].key] == 100 - given


def test_the_average_best_score_is_over_the_quiz_lessons_attempted(world, course, hrdd):
    graded = sum(1 for lesson in course.lessons if lesson.graded)
    graded_hrdd = sum(1 for lesson in hrdd.lessons if lesson.graded)
    expected = (5 * graded * 90 + 2 * graded * 70 + 5 * graded_hrdd * 80) / (7 * graded + 5 * graded_hrdd)
    assert report().total.average_score == pytest.approx(expected)


def test_a_learner_in_two_courses_counts_once_in_all_and_once_in_each_course(world, progress, course):
    progress(world["quiet"][:1], course, lessons=1)
    result = report()
    assert result.total.enrolled == 19
    assert result.by_course[course.id].enrolled == 15 and result.by_course["hrdd-essentials"].enrolled == 5


def test_enrolments_before_the_period_are_not_counted(world, learners, progress, course):
    progress(learners(3, world["saigon"], gender="woman"), course, when=DAY - timedelta(days=60), lessons=1)
    assert report().total.enrolled == 19
    assert report(ReportFilters(date(2026, 1, 1), date(2026, 6, 30))).total.enrolled == 22


def test_what_happens_after_the_period_is_not_counted(world, course):
    july = ReportFilters(date(2026, 4, 1), date(2026, 5, 11))
    assert report(july).total.enrolled == 0
    up_to_the_day = ReportFilters(date(2026, 4, 1), date(2026, 5, 12))
    assert counts(report(up_to_the_day).total) == (19, 18, 12, 10)


def test_a_certificate_revoked_in_the_period_does_not_count(world):
    certificate = db.session.scalar(db.select(Certificate).filter_by(user_id=world["women"][0].id))
    certificate.revoked_dt = DAY + timedelta(days=3)
    db.session.commit()
    assert report().total.certified == 9
    assert report(ReportFilters(date(2026, 4, 1), date(2026, 5, 13))).total.certified == 10


def test_staff_who_enrol_are_not_counted(world, learners, progress, course):
    progress(learners(2, role="tutor"), course, lessons=1)
    assert report().total.enrolled == 19


@pytest.mark.parametrize(("filters", "expected"), [
    ({"course_id": "hrdd-essentials"}, 5),
    ({"country": "VN"}, 14),
    ({"country": "DE"}, 0),
    ({"modality": "self-paced"}, 19),
    ({"modality": "in-person"}, 0),
])
def test_the_filters_narrow_the_report(world, filters, expected):
    assert report(ReportFilters(QUARTER.start, QUARTER.end, **filters)).total.enrolled == expected


def test_the_organisation_filter_keeps_its_learners(world):
    filtered = report(ReportFilters(QUARTER.start, QUARTER.end, organisation_id=world["dongguan"].id))
    assert counts(filtered.total) == (5, 5, 5, 5)


@pytest.fixture
def classes(world, make_cohort, learners, progress, course):
    """Two cohorts of Saigon Garments: one meets in person, one by webinar."""
    in_person = make_cohort("Line 3", organisation=world["saigon"])
    webinar = make_cohort("Evening webinar", organisation=world["saigon"])
    room = learners(6, world["saigon"], gender="woman")
    online = learners(5, world["saigon"], gender="man")
    progress(room, course, lessons=1, cohort=in_person)
    progress(online, course, lessons=1, cohort=webinar)
    held = []
    for day, cohort, modality in ((3, in_person, "in-person"), (4, in_person, "in-person"), (5, in_person, "webinar"),
                                  (3, webinar, "webinar")):
        session = attendance.add_session(cohort, DAY + timedelta(days=day), modality)
        held.append(session)
    attendance.record_attendance(held[0], {u.id: "present" for u in room})
    attendance.record_attendance(held[1], {**{u.id: "present" for u in room[:4]}, **{u.id: "absent" for u in room[4:]}})
    attendance.record_attendance(held[3], {u.id: "present" for u in online})
    attendance.add_session(in_person, DAY + timedelta(days=200), "in-person")  # after the period
    db.session.commit()
    return {"in_person": in_person, "webinar": webinar, "room": room, "online": online}


def test_a_cohorts_modality_is_how_most_of_its_sessions_met(classes):
    result = report()
    assert result.by_modality["in-person"].enrolled == 6
    assert result.by_modality["webinar"].enrolled == 5
    assert result.by_modality["self-paced"].enrolled == 19
    in_person = report(ReportFilters(QUARTER.start, QUARTER.end, modality="in-person"))
    assert in_person.total.enrolled == 6


def test_the_cohort_filter_keeps_its_members(classes):
    assert report(ReportFilters(QUARTER.start, QUARTER.end, cohort_id=classes["webinar"].id)).total.enrolled == 5


def test_sessions_held_in_the_period_are_counted_by_modality_with_attendance(classes):
    sessions = report().sessions
    assert sessions["in-person"].sessions == 2
    assert (sessions["in-person"].present, sessions["in-person"].absent) == (10, 2)
    assert sessions["webinar"].sessions == 2 and sessions["webinar"].present == 5


def test_a_session_not_yet_held_is_not_counted(classes):
    sessions = report(now=DAY + timedelta(days=3, hours=12)).sessions
    assert sessions["in-person"].sessions == 1 and "webinar" in sessions


def test_the_report_runs_the_same_queries_for_few_or_many_learners(world, learners, progress, course, app):
    def statements() -> int:
        return len(statements_sent(report))

    few = statements()
    progress(learners(40, world["saigon"], gender="woman"), course, lessons=3, completed=2)
    assert statements() == few


def test_quarters_begin_and_end_where_the_calendar_says():
    assert quarter_of(date(2026, 5, 12)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert quarter_of(date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 3, 31))


# -- the page ------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("officer", 200), ("tutor", 404), ("learner", 404)])
def test_the_report_is_for_admins_and_programme_officers(client, login, request, make_user, who, status):
    user = make_user("mai") if who == "learner" else request.getfixturevalue(who)
    login(client, user)
    assert client.get("/reports").status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/admin/users", "/cohorts/", "/admin/settings", "/admin/certificates",
                                  "/admin/organisations"])
def test_a_programme_officer_sees_nothing_but_the_reports(client, login, officer, path):
    login(client, officer)
    assert client.get(path).status_code == 404


def test_the_menu_offers_the_reports_to_a_programme_officer(client, login, officer):
    login(client, officer)
    page = client.get("/my").get_data(as_text=True)
    assert 'href="/reports"' in page and 'href="/cohorts/"' not in page and 'href="/admin/users"' not in page


def test_the_page_shows_the_numbers_and_hides_small_ones(client, login, officer, world):
    login(client, officer)
    page = client.get("/reports", query_string=PERIOD).get_data(as_text=True)
    assert '<dd><bdi dir="ltr">19</bdi></dd>' in page  # enrolled
    row = page.split("<bdi>Man</bdi>")[1].split("</tr>")[0]
    cells = re.findall(r'<bdi dir="ltr">([^<]*)</bdi>', row)
    assert cells[:4] == ["6", "6", "&lt;5", "&lt;5"]  # 6 men enrolled and started; 2 completed, 0 certified: hidden


def test_a_period_whose_end_is_before_its_start_is_refused(client, login, officer):
    login(client, officer)
    response = client.get("/reports", query_string={"start": "2026-06-30", "end": "2026-04-01"})
    assert response.status_code == 422


def test_the_filters_offer_the_organisations_countries_and_cohorts(client, login, officer, classes):
    login(client, officer)
    page = client.get("/reports", query_string=PERIOD).get_data(as_text=True)
    for text in ("Saigon Garments", "Dongguan Bikes", "Vietnam", "China", "Evening webinar"):
        assert text in page


def test_the_report_is_in_the_readers_language(client, login, officer, world):
    officer.language = "vi"
    db.session.commit()
    login(client, officer)
    page = client.get("/reports", query_string=PERIOD).get_data(as_text=True)
    assert "Báo cáo tác động" in page and "Theo giới tính" in page


@pytest.fixture
def path_class(world, make_organisation, learners, progress, hrdd, tutor):
    """A cohort on the learning path "workplace-rights-basics" (its courses:
    preventing-sexual-harassment, then hrdd-essentials), with one session."""
    from academy.cohorts import services as cohorts

    library = get_library()
    target = cohorts.target_for("path:workplace-rights-basics", library)
    cohort = cohorts.create_cohort(target, "Rights class", "vi", DAY.date(), DAY.date() + timedelta(days=30), [tutor],
                                   organisation_id=world["saigon"].id)
    db.session.commit()
    members = learners(6, world["saigon"], gender="woman")
    progress(members, hrdd, lessons=1, cohort=cohort)
    session = attendance.add_session(cohort, DAY + timedelta(days=2), "in-person")
    attendance.record_attendance(session, {u.id: "present" for u in members})
    db.session.commit()
    return cohort


def test_a_cohort_on_a_learning_path_is_offered_by_its_paths_title_and_never_as_a_course(
        client, login, officer, path_class):
    login(client, officer)
    page = client.get("/reports", query_string=PERIOD).get_data(as_text=True)
    assert "path:" not in page
    assert "Rights class (Workplace rights" in page


def test_a_path_cohorts_sessions_count_for_the_courses_of_its_path(path_class, hrdd):
    sessions = report(ReportFilters(QUARTER.start, QUARTER.end, course_id=hrdd.id)).sessions
    assert sessions["in-person"].sessions == 1 and sessions["in-person"].present == 6
