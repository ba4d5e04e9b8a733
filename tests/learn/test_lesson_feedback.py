"""Lesson feedback: a rating and a comment per learner and lesson, read by
the admins per course, lesson and language with the questions answered
wrong most often, on a page and as CSV."""

from __future__ import annotations

import csv
import io
import secrets

import pytest
from helpers import answers_for, lesson_url
from sqlalchemy import func, select

from academy.extensions import db
from academy.learn import feedback
from academy.learn import services as learning
from academy.learn.models import LessonFeedback

COMMENTS = {
    "en": "The story about the night shift was very clear.",
    "vi": "Bài học dễ hiểu, nhưng hơi dài.",
    "zh": "例子很实用，希望多一些图片。",
    "ar": "الدرس مفيد جدًا، لكن بعض الكلمات صعبة.",
}


@pytest.fixture
def ash(library):
    return library.get("preventing-sexual-harassment")


@pytest.fixture
def first_lesson(ash):
    return ash.lessons[0]


@pytest.fixture
def quiz_lesson(ash):
    return next(lesson for lesson in ash.lessons if lesson.graded)


def enrolled(make_user, course, name, language="en"):
    user = make_user(name, language=language)
    learning.enroll(user, course)
    db.session.commit()
    return user


def feedback_url(course, lesson) -> str:
    return f"{lesson_url(course, lesson)}/feedback"


def test_an_enrolled_learner_finds_the_feedback_form_at_the_end_of_the_lesson(client, login, make_user, ash, first_lesson):
    login(client, enrolled(make_user, ash, "an"))
    page = client.get(lesson_url(ash, first_lesson)).get_data(as_text=True)
    assert "Was this lesson helpful?" in page and f'action="{feedback_url(ash, first_lesson)}"' in page


def test_a_learner_rates_a_lesson_and_comments_and_can_change_it(client, login, make_user, ash, first_lesson):
    learner = enrolled(make_user, ash, "an")
    login(client, learner)
    client.post(feedback_url(ash, first_lesson), data={"helpful": "yes", "comment": COMMENTS["vi"]})
    client.post(feedback_url(ash, first_lesson), data={"helpful": "no", "comment": "Còn hơi dài."})
    rows = db.session.scalars(select(LessonFeedback).filter_by(user_id=learner.id)).all()
    assert [(row.helpful, row.comment) for row in rows] == [(False, "Còn hơi dài.")]
    assert "Còn hơi dài." in client.get(lesson_url(ash, first_lesson)).get_data(as_text=True)


def test_feedback_without_a_rating_or_a_comment_is_refused(client, login, make_user, ash, first_lesson):
    login(client, enrolled(make_user, ash, "an"))
    response = client.post(feedback_url(ash, first_lesson), data={"comment": "  "}, follow_redirects=True)
    assert "Please choose “helpful” or “not helpful”, or write a comment." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(LessonFeedback.id))) == 0


def test_a_learner_not_enrolled_cannot_send_feedback(client, login, make_user, ash, first_lesson):
    login(client, make_user("visitor"))
    client.post(feedback_url(ash, first_lesson), data={"helpful": "yes"})
    assert db.session.scalar(select(func.count(LessonFeedback.id))) == 0


@pytest.fixture
def beta_test(make_user, ash, first_lesson, quiz_lesson):
    """Four learners, one per language: each rates the first lesson and
    answers the first quiz, one question wrong."""
    wrong = quiz_lesson.source.questions[0]
    for number, (language, comment) in enumerate(COMMENTS.items()):
        learner = enrolled(make_user, ash, f"beta{number}", language)
        feedback.save_feedback(learner, ash, first_lesson, number % 2 == 0, comment, language)
        form = {**answers_for(quiz_lesson.source), **{k: v for k, v in answers_for(quiz_lesson.source, correct=False).items()
                                                       if k.startswith(f"q-{wrong.id}")}}
        form = {k: v if isinstance(v, list) else [v] for k, v in form.items()}
        learning.submit_attempt(learner, ash, quiz_lesson, language, secrets.token_hex(8), form)
    db.session.commit()
    return wrong


def test_the_admin_reads_the_feedback_per_lesson_and_language(client, login, make_user, ash, beta_test, quiz_lesson):
    login(client, make_user("boss", role="admin"))
    page = client.get(f"/admin/feedback/{ash.id}").get_data(as_text=True)
    for comment in COMMENTS.values():
        assert comment in page
    assert quiz_lesson.text("zh").question(beta_test.id).prompt in page  # the hardest question, as the Chinese learners read it
    assert "0 of 1 right (0%)" in page


def test_the_feedback_csv_has_a_row_per_lesson_and_language(client, login, make_user, ash, beta_test, first_lesson):
    login(client, make_user("boss", role="admin"))
    response = client.get(f"/admin/feedback/{ash.id}.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    first = {row[3]: row for row in rows[1:] if row[1] == first_lesson.key}
    assert set(first) == {"en", "vi", "zh", "ar"}
    assert (first["vi"][4], first["vi"][5], first["vi"][6]) == ("0", "1", COMMENTS["vi"])
    assert first["ar"][6] == COMMENTS["ar"]


def test_a_comment_that_looks_like_a_formula_stays_text_in_the_csv(client, login, make_user, ash, first_lesson):
    learner = enrolled(make_user, ash, "an")
    feedback.save_feedback(learner, ash, first_lesson, None, '=HYPERLINK("http://evil")', "en")
    db.session.commit()
    login(client, make_user("boss", role="admin"))
    assert "'=HYPERLINK" in client.get(f"/admin/feedback/{ash.id}.csv").get_data(as_text=True)


@pytest.mark.parametrize("role", ["learner", "tutor"])
def test_only_admins_read_the_feedback(client, login, make_user, ash, role):
    login(client, make_user(role=role))
    assert client.get(f"/admin/feedback/{ash.id}").status_code == 404
    assert client.get(f"/admin/feedback/{ash.id}.csv").status_code == 404
