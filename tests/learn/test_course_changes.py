"""A new version of a course that renames or removes lessons, or a course
taken off the box: the learner's attempts and certificates stay readable."""

from __future__ import annotations

import shutil

import pytest
from helpers import answers_for, attempt_token, lesson_url, serve_copies
from sqlalchemy import select

from academy.certificates.models import Certificate
from academy.extensions import db
from academy.learn.models import Attempt

COURSE = "climate-action-cycling"
FINAL_CHECK = "03-reducing-emissions/03-check-your-understanding"


@pytest.fixture
def courses(app, tmp_path):
    return serve_copies(app, tmp_path / "courses", app.config["COURSES_DIR"] / COURSE)


@pytest.fixture
def course(app, courses):
    return app.extensions["academy.library"].get().get(COURSE)


@pytest.fixture
def learner(make_user, client, login, course):
    user = make_user("hoa", language="en")
    login(client, user)
    client.post(f"/courses/{COURSE}/enroll")
    return user


def complete(client, course, lesson):
    if lesson.graded:
        token = attempt_token(client.get(lesson_url(course, lesson)).get_data(as_text=True))
        return client.post(lesson_url(course, lesson) + "/answers", data={**answers_for(lesson.source), "attempt": token})
    return client.post(lesson_url(course, lesson) + "/done")


def rename_final_check(courses):
    for path in (courses / COURSE).glob(f"{FINAL_CHECK}.*.md"):
        path.rename(path.with_name(path.name.replace("check-your-understanding", "final-check")))


def remove_final_check(courses):
    for path in (courses / COURSE).glob(f"{FINAL_CHECK}.*.md"):
        path.unlink()


@pytest.fixture
def certified(client, learner, course):
    for lesson in course.lessons:
        complete(client, course, lesson)
    assert db.session.scalar(select(Certificate).filter_by(user_id=learner.id)) is not None
    return learner


def test_my_learning_still_offers_the_certificate_after_a_lesson_was_renamed(client, courses, certified):
    certificate = db.session.scalar(select(Certificate).filter_by(user_id=certified.id))
    rename_final_check(courses)
    assert f"/certificates/{certificate.id}.pdf" in client.get("/my").get_data(as_text=True)


def test_my_learning_says_the_course_changed_since_it_was_completed(client, courses, certified):
    rename_final_check(courses)
    assert "The course has new or changed lessons since you completed it." in client.get("/my").get_data(as_text=True)


def test_my_learning_keeps_the_score_of_a_removed_lesson(client, courses, certified, course):
    remove_final_check(courses)
    page = client.get("/my").get_data(as_text=True)
    assert "reducing-emissions/check-your-understanding" in page and "no longer in the course" in page


def test_my_learning_shows_a_course_taken_off_the_box_with_its_certificate(client, courses, certified):
    certificate = db.session.scalar(select(Certificate).filter_by(user_id=certified.id))
    shutil.rmtree(courses / COURSE)
    page = client.get("/my").get_data(as_text=True)
    assert "This course is no longer offered on this server; your records are kept." in page
    assert f"/certificates/{certificate.id}.pdf" in page


def test_the_result_of_an_attempt_in_a_removed_lesson_is_still_shown(client, courses, learner, course):
    lesson = course.lesson("reducing-emissions", "check-your-understanding")
    result_url = complete(client, course, lesson).headers["Location"]
    remove_final_check(courses)
    response = client.get(result_url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This lesson is no longer part of the course; your answers are kept." in page
    assert "Passed with 100%." in page


def test_the_result_of_an_attempt_in_a_renamed_lesson_is_still_shown(client, courses, learner, course):
    lesson = course.lesson("reducing-emissions", "check-your-understanding")
    result_url = complete(client, course, lesson).headers["Location"]
    rename_final_check(courses)
    assert client.get(result_url).status_code == 200


def test_the_result_of_an_attempt_in_a_course_taken_off_the_box_is_still_shown(client, courses, learner, course):
    lesson = course.lesson("reducing-emissions", "check-your-understanding")
    result_url = complete(client, course, lesson).headers["Location"]
    shutil.rmtree(courses / COURSE)
    assert client.get(result_url).status_code == 200


def test_another_learners_attempt_in_a_removed_lesson_is_still_not_found(app, client, courses, learner, course, make_user, login):
    lesson = course.lesson("reducing-emissions", "check-your-understanding")
    complete(client, course, lesson)
    attempt = db.session.scalar(select(Attempt).filter_by(user_id=learner.id))
    remove_final_check(courses)
    other = app.test_client()
    login(other, make_user("other"))
    assert other.get(f"/attempts/{attempt.id}").status_code == 404
