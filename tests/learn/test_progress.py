"""Progress: enrolment, completion, resuming where the learner stopped."""

import pytest
from helpers import answers_for, attempt_token, lesson_url, serve_copies, statements_sent
from sqlalchemy import select

from academy.extensions import db
from academy.learn import services
from academy.learn.models import Enrollment, LessonProgress


@pytest.fixture
def learner(make_user, client, login):
    user = make_user("hoa", language="vi")
    login(client, user)
    return user


def complete_lesson(client, course, lesson):
    if lesson.graded:
        token = attempt_token(client.get(lesson_url(course, lesson)).get_data(as_text=True))
        client.post(lesson_url(course, lesson) + "/answers", data={**answers_for(lesson.source), "attempt": token})
    else:
        client.post(lesson_url(course, lesson) + "/done")


def test_enrolling_opens_the_first_lesson(client, learner, course):
    response = client.post(f"/courses/{course.id}/enroll")
    assert response.headers["Location"] == lesson_url(course, course.lessons[0])


def test_enrolling_twice_keeps_one_enrolment(client, learner, course):
    client.post(f"/courses/{course.id}/enroll")
    client.post(f"/courses/{course.id}/enroll")
    assert len(db.session.scalars(select(Enrollment).filter_by(user_id=learner.id)).all()) == 1


def test_marking_a_reading_lesson_done_completes_it_and_moves_on(client, learner, course):
    client.post(f"/courses/{course.id}/enroll")
    first, second = course.lessons[0], course.lessons[1]
    response = client.post(lesson_url(course, first) + "/done")
    assert response.headers["Location"] == lesson_url(course, second)
    row = db.session.scalar(select(LessonProgress).filter_by(user_id=learner.id, lesson_key=first.key))
    assert row.completed_dt is not None


def test_a_graded_lesson_cannot_be_marked_done_without_passing(client, learner, course):
    client.post(f"/courses/{course.id}/enroll")
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    client.post(lesson_url(course, graded) + "/done")
    row = db.session.scalar(select(LessonProgress).filter_by(user_id=learner.id, lesson_key=graded.key))
    assert row is None or row.completed_dt is None


def test_the_course_is_complete_when_every_lesson_is(client, learner, course):
    client.post(f"/courses/{course.id}/enroll")
    for lesson in course.lessons:
        complete_lesson(client, course, lesson)
    enrollment = db.session.scalar(select(Enrollment).filter_by(user_id=learner.id))
    assert enrollment.completed_dt is not None
    page = client.get("/my").get_data(as_text=True)
    assert "status-complete" in page


def test_continue_opens_the_lesson_where_the_learner_stopped(client, learner, course):
    client.post(f"/courses/{course.id}/enroll")
    stopped_at = course.lessons[3]
    client.get(lesson_url(course, stopped_at))
    client.post(lesson_url(course, stopped_at) + "/visit")  # what the page's script sends
    page = client.get("/my").get_data(as_text=True)
    assert f'href="{lesson_url(course, stopped_at)}">' in page


def test_the_course_page_marks_each_lesson_status(client, learner, course):
    client.post(f"/courses/{course.id}/enroll")
    complete_lesson(client, course, course.lessons[0])
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    client.post(lesson_url(course, graded) + "/answers", data={**answers_for(graded.source, correct=False), "attempt": token})
    progress = services.course_progress(learner, course)
    assert progress.status(course.lessons[0]) == services.COMPLETE
    assert progress.status(graded) == services.FAILED
    assert progress.status(course.lessons[-1]) == services.NOT_STARTED
    page = client.get(f"/courses/{course.id}/").get_data(as_text=True)
    assert page.count("status-complete") == 1 and page.count("status-failed") == 1


def test_renumbering_lessons_keeps_progress(app, client, learner, tmp_path):
    courses = serve_copies(app, tmp_path / "courses", app.config["COURSES_DIR"] / "climate-action-cycling")
    course = app.extensions["academy.library"].get().get("climate-action-cycling")
    client.post(f"/courses/{course.id}/enroll")
    first = course.lessons[0]
    complete_lesson(client, course, first)
    module_dir = next((courses / course.id).glob("01-*"))
    for path in module_dir.glob("01-*.md"):
        path.rename(path.with_name("07" + path.name[2:]))
    renamed = module_dir.with_name("05" + module_dir.name[2:])
    module_dir.rename(renamed)
    edited = app.extensions["academy.library"].get().get(course.id)
    moved = edited.lesson(first.module_id, first.id)
    assert moved.position == 7
    assert services.course_progress(learner, edited).status(moved) == services.COMPLETE


def test_a_progress_row_belongs_to_one_learner(client, learner, course, make_user):
    client.post(f"/courses/{course.id}/enroll")
    complete_lesson(client, course, course.lessons[0])
    other = make_user("lan")
    assert services.course_progress(other, course).completed_count == 0


def test_my_learning_of_a_learner_with_only_courses_asks_the_database_who_is_signed_in_and_then_one_thing(
        client, learner, course):
    """Their courses with the progress, and whether answers were reviewed,
    a path started or a cohort joined: the other sections ask only then."""
    client.post(f"/courses/{course.id}/enroll")
    client.get("/my")
    responses = []
    statements = statements_sent(lambda: responses.append(client.get("/my")))
    page = responses[0].get_data(as_text=True)
    assert len(statements) == 2 and "login_sessions" in statements[0] and "EXISTS" in statements[1]
    assert course.text("en").title in page or course.text("vi").title in page
