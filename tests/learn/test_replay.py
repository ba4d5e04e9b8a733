"""Answers sent again from a phone's queue: recorded once, never overwritten,
and told apart from a form sent by a person (JSON instead of pages)."""

import pytest
from helpers import answers_for, attempt_token, lesson_url
from sqlalchemy import func, select

from academy.extensions import db
from academy.learn.models import Attempt, Enrollment

JSON = {"Accept": "application/json"}


@pytest.fixture
def learner(make_user, client, login):
    user = make_user("lan", display_name="Trần Văn Lân", language="vi")
    login(client, user)
    client.post("/courses/climate-action-cycling/enroll")
    return user


@pytest.fixture
def graded(course):
    return next(lesson for lesson in course.lessons if lesson.graded)


def attempts(user) -> int:
    return db.session.scalar(select(func.count(Attempt.id)).filter_by(user_id=user.id))


def queued_send(client, course, lesson, form, token, headers=JSON):
    """What static/js/store.js sends: the form without its CSRF field, a
    fresh token in the X-CSRFToken header, asking for JSON."""
    fresh = client.get("/offline/csrf").get_json()["csrf_token"]
    return client.post(lesson_url(course, lesson) + "/answers", data={**form, "attempt": token}, csrf=False,
                       headers={**headers, "X-CSRFToken": fresh})


def test_a_queued_answer_is_recorded_and_the_reply_says_where_its_result_is(client, learner, course, graded):
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    response = queued_send(client, course, graded, answers_for(graded.text("vi")), token)
    assert response.status_code == 200
    reply = response.get_json()
    assert reply["status"] == "recorded" and reply["score"] == 100.0 and reply["passed"] is True
    assert client.get(reply["attempt_url"]).status_code == 200
    assert attempts(learner) == 1


def test_the_same_answers_sent_again_return_the_stored_result_and_record_nothing(client, learner, course, graded):
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    form = answers_for(graded.text("vi"))
    first = queued_send(client, course, graded, form, token).get_json()
    again = queued_send(client, course, graded, form, token)
    assert again.status_code == 200
    assert again.get_json()["status"] == "duplicate" and again.get_json()["attempt_url"] == first["attempt_url"]
    assert attempts(learner) == 1


def test_other_answers_under_an_attempt_id_already_used_are_refused(client, learner, course, graded):
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    queued_send(client, course, graded, answers_for(graded.text("vi")), token)
    response = queued_send(client, course, graded, answers_for(graded.text("vi"), correct=False), token)
    assert response.status_code == 422
    assert response.get_json()["status"] == "conflict"
    assert "đã được gửi" in response.get_json()["message"]  # in the learner's language
    stored = db.session.scalar(select(Attempt).filter_by(user_id=learner.id))
    assert attempts(learner) == 1 and stored.score == 100.0


def test_other_answers_from_the_form_under_a_used_attempt_id_are_refused_with_a_message(client, learner, course, graded):
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    url = lesson_url(course, graded) + "/answers"
    client.post(url, data={**answers_for(graded.text("vi")), "attempt": token})
    response = client.post(url, data={**answers_for(graded.text("vi"), correct=False), "attempt": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(lesson_url(course, graded))
    assert "đã được gửi với những câu trả lời khác" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert attempts(learner) == 1


def test_answers_that_cannot_be_read_are_refused_with_what_to_fix(client, learner, course, graded):
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    response = queued_send(client, course, graded, {}, token)
    assert response.status_code == 422
    reply = response.get_json()
    assert reply["status"] == "invalid" and set(reply["problems"]) == {q.id for q in graded.source.questions}
    assert attempts(learner) == 0


def test_a_queued_answer_from_someone_signed_out_gets_401_not_the_sign_in_page(client, learner, course, graded):
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    client.post("/logout")
    response = queued_send(client, course, graded, answers_for(graded.text("vi")), token)
    assert response.status_code == 401 and response.get_json()["status"] == "signed-out"
    assert attempts(learner) == 0


def test_the_token_endpoint_is_never_cached_and_says_who_is_signed_in(client, learner):
    response = client.get("/offline/csrf")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["user"] == learner.id and response.get_json()["csrf_token"]


def test_a_lesson_saved_on_a_phone_is_not_recorded_as_a_visit(client, learner, course, graded):
    last = course.lessons[-1]
    client.get(lesson_url(course, graded))
    client.post(lesson_url(course, graded) + "/visit")  # what the page's script sends when it is read
    page = client.get(lesson_url(course, last), headers={"X-Academy-Offline": "save"}).get_data(as_text=True)
    enrollment = db.session.scalar(select(Enrollment).filter_by(user_id=learner.id))
    assert enrollment.last_lesson_key == graded.key  # "Continue" still goes where the learner was
    if last.graded:
        assert attempt_token(page)  # the saved copy can be answered offline
