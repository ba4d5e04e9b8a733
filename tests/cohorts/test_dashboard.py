"""The tutor's dashboard: a grid readable without colour, a summary, a page
per learner, and a number of queries that does not grow with the class."""

from datetime import datetime, timedelta

import pytest
from helpers import statements_sent
from sqlalchemy import update

from academy.cohorts import attendance, reports
from academy.cohorts.models import CohortMember
from academy.extensions import db
from academy.learn.models import Attempt, Enrollment, LessonProgress
from academy.timeutil import utcnow


@pytest.fixture
def signed_in_tutor(client, login, tutor):
    login(client, tutor)
    return tutor


def progress(user, course, lesson, score=None, complete=True, when=None):
    when = when or utcnow()
    db.session.add(LessonProgress(user_id=user.id, course_id=course.id, lesson_key=lesson.key, started_dt=when,
                                  completed_dt=when if complete else None, best_score=score,
                                  attempt_count=1 if score is not None else 0))


def activity(user, course, when):
    db.session.execute(update(Enrollment).where(Enrollment.user_id == user.id).values(last_activity_dt=when))


def busy_cohort(cohort, course, add_learners, count):
    """``count`` learners with progress in every other lesson, an attempt at
    each quiz, and attendance at two sessions."""
    learners = add_learners(cohort, [f"Người học {n}" for n in range(count)])
    sessions = [attendance.add_session(cohort, datetime.now() - timedelta(days=d), "in-person") for d in (1, 2)]
    for n, user in enumerate(learners):
        for i, lesson in enumerate(course.lessons):
            if lesson.graded:
                progress(user, course, lesson, score=60.0 + n % 40, complete=n % 2 == 0)
                db.session.add(Attempt(token=f"t-{user.id}-{i}", user_id=user.id, course_id=course.id,
                                       lesson_key=lesson.key, lesson_version=lesson.version, language="en",
                                       answers={}, results={}, score=60.0, passed=False))
            elif i % 2 == 0:
                progress(user, course, lesson)
    db.session.commit()
    for session in sessions:
        attendance.record_attendance(session, {user.id: "present" for user in learners})
    return learners


def count_queries(client, url) -> tuple[int, object]:
    responses = []
    statements = statements_sent(lambda: responses.append(client.get(url)))
    response = responses[0]
    assert response.status_code == 200
    return len(statements), response


@pytest.mark.parametrize("page", ["dashboard", "questions", "export.csv"])
def test_the_number_of_queries_does_not_grow_with_the_cohort(client, signed_in_tutor, make_cohort, course,
                                                             add_learners, page):
    small, large = make_cohort(name="small"), make_cohort(name="large")
    busy_cohort(small, course, add_learners, 5)
    busy_cohort(large, course, add_learners, 50)
    client.get(f"/cohorts/{small.id}/{page}")  # warm: the first request reads things once
    few, _ = count_queries(client, f"/cohorts/{small.id}/{page}")
    many, response = count_queries(client, f"/cohorts/{large.id}/{page}")
    assert few == many
    assert few <= 15


def test_each_cell_shows_a_symbol_a_word_and_the_score(client, signed_in_tutor, cohort, course, add_learners):
    [mai] = add_learners(cohort, ["Nguyễn Thị Mai"])
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    progress(mai, course, course.lessons[0])
    progress(mai, course, graded, score=40.0, complete=False)
    db.session.commit()
    page = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    assert '<td class="cell-complete"><span aria-hidden="true">✓</span> Complete</td>' in page
    assert '<td class="cell-failed"><span aria-hidden="true">✗</span> Not passed yet <b>40%</b></td>' in page
    assert 'class="cell-not-started"><span aria-hidden="true">○</span> Not started' in page


def test_the_summary_gives_the_share_of_learners_who_completed(client, signed_in_tutor, cohort, course, add_learners):
    done, busy = add_learners(cohort, ["Mai", "Fang"])
    for lesson in course.lessons:
        progress(done, course, lesson, score=100.0 if lesson.graded else None)
    db.session.commit()
    page = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    assert "1 of 2 learners have completed the course (50%)." in page


def test_the_summary_averages_the_best_scores_of_those_who_tried(cohort, course, add_learners):
    mai, fang, lan = add_learners(cohort, ["Mai", "Fang", "Lan"])
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    progress(mai, course, graded, score=100.0)
    progress(fang, course, graded, score=60.0, complete=False)
    db.session.commit()
    board = reports.cohort_dashboard(cohort, course)
    summary = next(item for item in board.graded if item.lesson.key == graded.key)
    assert (summary.attempted, summary.passed, summary.average_score) == (2, 1, 80.0)


def test_learners_without_activity_for_n_days_are_listed(client, signed_in_tutor, cohort, course, add_learners):
    idle, busy, never = add_learners(cohort, ["Idle Ivan", "Busy Bich", "Never Nga"])
    now = utcnow()
    activity(idle, course, now - timedelta(days=10))
    activity(busy, course, now - timedelta(days=1))
    db.session.execute(update(CohortMember).values(joined_dt=now - timedelta(days=20)))
    db.session.commit()
    page = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    inactive = page.split('id="inactive"', 1)[1].split("<h2>", 1)[0]
    assert "Idle Ivan</bdi></a> —\n      last active 10 days ago" in inactive
    assert "Never Nga" in inactive and "has not opened a lesson yet" in inactive
    assert "Busy Bich" not in inactive


def test_the_number_of_days_is_a_query_parameter(client, signed_in_tutor, cohort, course, add_learners):
    [idle] = add_learners(cohort, ["Idle Ivan"])
    activity(idle, course, utcnow() - timedelta(days=10))
    db.session.commit()
    page = client.get(f"/cohorts/{cohort.id}/dashboard?days=14").get_data(as_text=True)
    inactive = page.split('id="inactive"', 1)[1].split("<h2>", 1)[0]
    assert "No activity for 14 days or more" in page and "Idle Ivan" not in inactive


def test_a_nonsense_number_of_days_falls_back_to_seven(client, signed_in_tutor, cohort, add_learners):
    add_learners(cohort, ["Mai"])
    page = client.get(f"/cohorts/{cohort.id}/dashboard?days=banana").get_data(as_text=True)
    assert "No activity for 7 days or more" in page


def test_the_learner_page_shows_their_lessons_attempts_and_attendance(client, signed_in_tutor, cohort, course,
                                                                      add_learners, answer):
    [mai] = add_learners(cohort, ["Nguyễn Thị Mai"])
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    answer(mai, graded, correct=False)
    answer(mai, graded)
    session = attendance.add_session(cohort, datetime.now() - timedelta(days=1), "in-person", "Room 7")
    attendance.record_attendance(session, {mai.id: "absent"})
    page = client.get(f"/cohorts/{cohort.id}/learners/{mai.id}").get_data(as_text=True)
    assert "Nguyễn Thị Mai" in page
    assert "latest: 100%" in page
    assert "✗</span> Absent" in page
