"""Quizzes graded on the server: answers stored once, keys never sent early."""

import json
import re

import pytest
from helpers import answers_for, attempt_token, lesson_url, serve_copies, statements_sent
from markupsafe import escape
from sqlalchemy import func, select

from academy.extensions import db
from academy.learn.models import Attempt, LessonProgress


@pytest.fixture
def learner(make_user, client, login):
    user = make_user("mai", display_name="Nguyễn Thị Mai", language="vi")
    login(client, user)
    return user


@pytest.fixture
def graded(course):
    return next(lesson for lesson in course.lessons if lesson.graded)


def enrol(client, course):
    return client.post(f"/courses/{course.id}/enroll")


def open_lesson(client, course, lesson):
    page = client.get(lesson_url(course, lesson)).get_data(as_text=True)
    return attempt_token(page)


def submit(client, course, lesson, form, token):
    return client.post(lesson_url(course, lesson) + "/answers", data={**form, "attempt": token})


def attempts(user):
    return db.session.scalar(select(func.count(Attempt.id)).filter_by(user_id=user.id))


def test_right_answers_pass_the_lesson(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    response = submit(client, course, graded, answers_for(graded.text("vi")), token)
    assert response.status_code == 303
    attempt = db.session.scalar(select(Attempt).filter_by(user_id=learner.id))
    assert attempt.score == 100.0 and attempt.passed
    row = db.session.scalar(select(LessonProgress).filter_by(user_id=learner.id, lesson_key=graded.key))
    assert row.completed_dt is not None and row.best_score == 100.0


def test_wrong_answers_are_recorded_as_not_passed(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    submit(client, course, graded, answers_for(graded.text("vi"), correct=False), token)
    attempt = db.session.scalar(select(Attempt).filter_by(user_id=learner.id))
    assert attempt.score == 0.0 and not attempt.passed
    assert set(attempt.results.values()) == {False}


def test_the_same_form_sent_twice_records_one_attempt(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    form = answers_for(graded.text("vi"))
    first = submit(client, course, graded, form, token)
    second = submit(client, course, graded, form, token)
    assert attempts(learner) == 1
    assert first.headers["Location"] == second.headers["Location"]


def test_a_tampered_attempt_id_changes_nothing(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    response = submit(client, course, graded, answers_for(graded.text("vi")), token[:-2] + "xx")
    assert response.status_code == 303
    assert attempts(learner) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in page


def test_an_attempt_id_from_another_lesson_is_refused(client, learner, course):
    graded_lessons = [lesson for lesson in course.lessons if lesson.graded]
    enrol(client, course)
    token = open_lesson(client, course, graded_lessons[0])
    submit(client, course, graded_lessons[1], answers_for(graded_lessons[1].text("vi")), token)
    assert attempts(learner) == 0


def test_an_answer_to_a_question_the_lesson_does_not_have_changes_nothing(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    submit(client, course, graded, {**answers_for(graded.text("vi")), "q-invented": "x"}, token)
    assert attempts(learner) == 0


def test_an_option_that_does_not_exist_is_reported_on_its_question(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    single = next(q for q in graded.source.questions if q.type == "single")
    response = submit(client, course, graded, {**answers_for(graded.text("vi")), f"q-{single.id}": "no-such-option"}, token)
    assert response.status_code == 422
    assert attempts(learner) == 0
    assert 'question-error" id="question-' + single.id in response.get_data(as_text=True)


def test_a_non_number_in_a_number_question_gets_a_message_in_the_learner_language(client, learner, course):
    lesson = next(lesson for lesson in course.lessons if any(q.type == "number" for q in lesson.source.questions))
    number = next(q for q in lesson.source.questions if q.type == "number")
    enrol(client, course)
    token = open_lesson(client, course, lesson)
    response = submit(client, course, lesson, {**answers_for(lesson.text("vi")), f"q-{number.id}": "mười hai"}, token)
    assert response.status_code == 422
    assert attempts(learner) == 0
    page = response.get_data(as_text=True)
    assert 'lang="vi"' in page and "question-error" in page


def test_an_unanswered_question_is_asked_for_and_the_other_answers_are_kept(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    form = answers_for(graded.text("vi"))
    dropped = next(q for q in graded.source.questions if q.type in ("single", "text"))
    kept_name, kept_value = next((k, v) for k, v in form.items() if k != f"q-{dropped.id}" and isinstance(v, str))
    form = {k: v for k, v in form.items() if k != f"q-{dropped.id}"}
    response = submit(client, course, graded, form, token)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and attempts(learner) == 0
    assert f'id="question-{dropped.id}"' in page
    assert kept_value in page  # the learner does not type everything again


def test_answers_from_a_learner_not_enrolled_are_refused(client, learner, course, graded):
    from academy.learn.services import new_attempt_token

    token = new_attempt_token("test-secret", learner, course, graded)
    response = submit(client, course, graded, answers_for(graded.text("vi")), token)
    assert response.status_code == 303
    assert attempts(learner) == 0


def test_max_attempts_is_enforced(app, client, learner, tmp_path):
    courses = serve_copies(app, tmp_path / "courses", app.config["COURSES_DIR"] / "climate-action-cycling")
    quiz_file = next((courses / "climate-action-cycling").glob("01-*/03-*.en.md"))
    quiz_file.write_text(quiz_file.read_text().replace("title:", "max_attempts: 1\ntitle:", 1))
    course = app.extensions["academy.library"].get().get("climate-action-cycling")
    lesson = course.lessons[2]
    assert lesson.max_attempts == 1
    enrol(client, course)
    submit(client, course, lesson, answers_for(lesson.text("vi"), correct=False), open_lesson(client, course, lesson))
    page = client.get(lesson_url(course, lesson)).get_data(as_text=True)
    assert 'name="attempt"' not in page
    from academy.learn.services import new_attempt_token

    submit(client, course, lesson, answers_for(lesson.text("vi")), new_attempt_token("test-secret", learner, course, lesson))
    assert attempts(learner) == 1


def test_the_best_attempt_counts(client, learner, course, graded):
    enrol(client, course)
    submit(client, course, graded, answers_for(graded.text("vi")), open_lesson(client, course, graded))
    submit(client, course, graded, answers_for(graded.text("vi"), correct=False), open_lesson(client, course, graded))
    row = db.session.scalar(select(LessonProgress).filter_by(user_id=learner.id, lesson_key=graded.key))
    assert row.best_score == 100.0 and row.completed_dt is not None and row.attempt_count == 2


def test_the_result_page_shows_each_answer_with_feedback_and_explanation(client, learner, course, graded):
    enrol(client, course)
    response = submit(client, course, graded, answers_for(graded.text("vi"), correct=False), open_lesson(client, course, graded))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    text = graded.text("vi")
    for question in text.questions:
        assert escape(question.prompt) in page
        if question.explanation:
            assert escape(question.explanation) in page
    single = next(q for q in text.questions if q.type == "single")
    chosen = next(c for c in single.choices if not c.correct)
    assert escape(chosen.text) in page


def test_another_learners_attempt_is_not_found(client, learner, course, graded, make_user, login, app):
    enrol(client, course)
    response = submit(client, course, graded, answers_for(graded.text("vi")), open_lesson(client, course, graded))
    result_url = response.headers["Location"]
    other = app.test_client()
    login(other, make_user("other"))
    assert other.get(result_url).status_code == 404


def lesson_pages_for_every_language(client, library):
    for course in library.courses.values():
        for lesson in course.lessons:
            if lesson.graded:
                for language in course.languages:
                    yield lesson, client.get(lesson_url(course, lesson), headers={"Accept-Language": language}).get_data(as_text=True)


def question_block(page: str, question_id: str) -> str:
    match = re.search(rf'<fieldset class="question[^"]*" id="question-{re.escape(question_id)}".*?</fieldset>', page, re.S)
    assert match, f"question {question_id} is not on the page"
    return match.group(0)


def assert_no_key_in(page: str, lesson) -> None:
    for text in lesson.texts.values():
        for q in text.questions:
            block = question_block(page, q.id)
            assert "correct" not in block.lower()
            if q.type == "text":
                for accepted in q.accept:
                    assert f'value="{escape(accepted)}"' not in block
            if q.type == "number":
                assert f'value="{q.answer:g}"' not in block
            if q.type == "order":
                shown = re.findall(r'class="order-text">([^<]*)<', block)
                assert shown and shown != [str(escape(c.text)) for c in q.choices if str(escape(c.text)) in shown]
            for choice in q.choices:
                if choice.feedback:
                    assert escape(choice.feedback) not in page
            if q.explanation:
                assert escape(q.explanation) not in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_lesson_page_contains_an_answer_key(client, library, make_user, login, signed_in):
    if signed_in:
        login(client, make_user())
        for course in library.courses.values():
            client.post(f"/courses/{course.id}/enroll")
    for lesson, page in lesson_pages_for_every_language(client, library):
        assert_no_key_in(page, lesson)


def test_the_learner_data_export_holds_their_attempts(client, learner, course, graded):
    enrol(client, course)
    submit(client, course, graded, answers_for(graded.text("vi")), open_lesson(client, course, graded))
    data = json.loads(client.get("/account/export.json").get_data(as_text=True))
    assert data["account"]["display_name"] == "Nguyễn Thị Mai"
    assert data["attempts"][0]["lesson"] == graded.key and data["attempts"][0]["score"] == 100.0
    assert data["enrollments"][0]["course"] == course.id


def test_an_old_attempt_still_shows_after_a_question_was_removed(client, learner, course, graded):
    enrol(client, course)
    response = submit(client, course, graded, answers_for(graded.text("vi")), open_lesson(client, course, graded))
    attempt = db.session.scalar(select(Attempt).filter_by(user_id=learner.id))
    # As if the author had since deleted a question this attempt answered.
    attempt.results = {**attempt.results, "retired-question": True}
    attempt.answers = {**attempt.answers, "retired-question": "x"}
    db.session.commit()
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('class="result right"') == len(attempt.results)


def test_an_answer_takes_the_write_lock_once_and_its_reply_needs_no_second_transaction(client, learner, course, graded):
    enrol(client, course)
    token = open_lesson(client, course, graded)
    form = answers_for(graded.text("vi"))
    responses = []
    begins = [s for s in statements_sent(lambda: responses.append(submit(client, course, graded, form, token)))
              if s.startswith("BEGIN")]
    response = responses[0]
    assert response.status_code == 303 and re.search(r"/attempts/\d+$", response.headers["Location"])
    assert begins == ["BEGIN IMMEDIATE"]


def test_a_second_answer_is_checked_and_recorded_in_a_dozen_statements(client, learner, course, graded):
    """The write lock is held while an answer is recorded: the attempts
    used and a replayed id are one query, the course's progress rows one."""
    enrol(client, course)
    submit(client, course, graded, answers_for(graded.text("vi"), correct=False), open_lesson(client, course, graded))
    token = open_lesson(client, course, graded)
    responses = []
    statements = statements_sent(lambda: responses.append(submit(client, course, graded, answers_for(graded.text("vi")), token)))
    assert responses[0].status_code == 303
    answer = statements[statements.index("BEGIN IMMEDIATE"):]  # (the client first fetched a form token)
    assert len(answer) <= 12
    assert attempts(learner) == 2
