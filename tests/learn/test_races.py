"""A class pressing "submit" at once: every request answered, nothing
recorded twice, no limit overrun, and a GET that writes nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers import CSRF_RE, answers_for, attempt_token, lesson_url
from sqlalchemy import func, select

from academy.extensions import db
from academy.learn.models import Attempt, Enrollment, LessonProgress

FIXTURE_COURSES = Path(__file__).resolve().parent.parent / "fixtures" / "courses" / "valid"


@pytest.fixture
def app_config():
    # tiny-course: a quiz lesson with max_attempts: 3
    return {"COURSES_DIR": str(FIXTURE_COURSES)}


@pytest.fixture
def tiny(library):
    return library.get("tiny-course")


@pytest.fixture
def quiz(tiny):
    return next(lesson for lesson in tiny.lessons if lesson.graded and lesson.max_attempts)


@pytest.fixture
def learner(make_user, client, login, tiny):
    user = make_user("hoa", display_name="Phạm Thị Hoa", language="vi")
    login(client, user)
    assert client.post(f"/courses/{tiny.id}/enroll").status_code == 302
    return user


def at_once(count: int, request) -> list:
    """Run ``request(index)`` in ``count`` threads released together."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        barrier.wait()
        try:
            results[index] = request(index)
        except Exception as error:  # recorded, so that the test shows it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def same_browser(app, client):
    """Another connection from the learner's browser: same session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def quiz_form(client, tiny, quiz, correct=False) -> dict:
    page = client.get(lesson_url(tiny, quiz)).get_data(as_text=True)
    form = {key: value for key, value in answers_for(quiz.source, correct).items()}
    return {**form, "attempt": attempt_token(page), "csrf_token": CSRF_RE.search(page).group(1)}


def attempts_of(user) -> int:
    return db.session.scalar(select(func.count(Attempt.id)).filter_by(user_id=user.id))


def test_the_same_quiz_form_posted_twenty_times_at_once_records_one_attempt_and_answers_every_request(
        app, client, learner, tiny, quiz):
    form = quiz_form(client, tiny, quiz)
    url = lesson_url(tiny, quiz) + "/answers"
    responses = at_once(20, lambda _i: same_browser(app, client).post(url, data=form, csrf=False))
    assert [getattr(r, "status_code", r) for r in responses] == [303] * 20
    assert attempts_of(learner) == 1


def test_max_attempts_holds_under_parallel_submits(app, client, learner, tiny, quiz):
    forms = [quiz_form(client, tiny, quiz) for _ in range(10)]  # ten tabs, each with its own attempt id
    url = lesson_url(tiny, quiz) + "/answers"
    responses = at_once(10, lambda i: same_browser(app, client).post(url, data=forms[i], csrf=False))
    assert all(getattr(r, "status_code", None) == 303 for r in responses), responses
    assert attempts_of(learner) == quiz.max_attempts == 3


def test_opening_a_lesson_for_the_first_time_in_two_tabs_at_once_gives_no_error(app, client, learner, tiny):
    lesson = tiny.lessons[1]
    url = lesson_url(tiny, lesson)
    page = client.get(url).get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)

    def open_tab(_index):
        tab = same_browser(app, client)
        shown = tab.get(url)
        recorded = tab.post(url + "/visit", data={"csrf_token": token}, csrf=False)
        return shown.status_code, recorded.status_code

    assert at_once(8, open_tab) == [(200, 204)] * 8
    rows = db.session.scalar(select(func.count(LessonProgress.id)).filter_by(user_id=learner.id, lesson_key=lesson.key))
    assert rows == 1


def test_showing_a_lesson_writes_nothing_and_asks_the_page_to_record_the_visit(client, learner, tiny):
    lesson = tiny.lessons[1]
    before = db.session.scalar(select(Enrollment).filter_by(user_id=learner.id))
    last_before, activity_before = before.last_lesson_key, before.last_activity_dt
    page = client.get(lesson_url(tiny, lesson)).get_data(as_text=True)
    db.session.expire_all()
    after = db.session.scalar(select(Enrollment).filter_by(user_id=learner.id))
    assert (after.last_lesson_key, after.last_activity_dt) == (last_before, activity_before)
    assert db.session.scalar(select(func.count(LessonProgress.id)).filter_by(user_id=learner.id, lesson_key=lesson.key)) == 0
    assert f'data-visit-url="{lesson_url(tiny, lesson)}/visit"' in page
    assert "js/visit.js" in page


def test_a_lesson_already_recorded_as_the_last_one_opened_does_not_ask_again(client, learner, tiny):
    url = lesson_url(tiny, tiny.lessons[1])
    client.post(url + "/visit")
    assert "data-visit-url" not in client.get(url).get_data(as_text=True)


def test_the_language_switch_changes_the_page_but_not_the_account(client, learner):
    response = client.get("/lang/ar?next=/my")
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.language == "vi"
    assert '<html lang="ar" dir="rtl">' in client.get("/my").get_data(as_text=True)
