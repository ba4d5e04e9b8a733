"""An assignment with ``review: none``: handing it in completes it, for a
self-paced learner as for anyone; nobody's queue receives it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import answers_for, attempt_token, lesson_url
from sqlalchemy import select

from academy.certificates.services import active_certificate
from academy.cohorts import review
from academy.extensions import db
from academy.learn import services as learning
from academy.learn.models import Submission

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "courses" / "valid" / "tiny-course"
BLOCK = "\n```assignment\nid: your-bicycle\nprompt: {prompt}\nreview: none\n```\n"
PROMPTS = {"en": "Describe the bicycle you ride to work.", "vi": "Hãy mô tả chiếc xe đạp bạn đi làm.",
           "ar": "صِف الدراجة التي تذهب بها إلى العمل."}


@pytest.fixture(scope="module")
def courses_dir(tmp_path_factory):
    """The tiny course with a reflection task nobody marks in its last lesson."""
    root = tmp_path_factory.mktemp("courses")
    shutil.copytree(TINY, root / "tiny-course")
    for lang, prompt in PROMPTS.items():
        path = root / "tiny-course" / "02-next-steps" / f"01-wrap-up.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8") + BLOCK.format(prompt=prompt), encoding="utf-8")
    return root


@pytest.fixture
def app_config(courses_dir):
    return {"COURSES_DIR": str(courses_dir)}


@pytest.fixture
def tiny(library):
    return library.get("tiny-course")


@pytest.fixture
def learner(make_user, tiny):
    user = make_user("self-paced")
    learning.enroll(user, tiny)
    db.session.commit()
    return user


def hand_in(client, lesson, text="A blue city bike with a basket."):
    return client.post(f"/courses/tiny-course/{lesson.module_id}/{lesson.id}/assignments/your-bicycle",
                       data={"text": text, "action": "submit"})


def test_handing_in_completes_the_lesson_of_a_self_paced_learner(client, login, learner, tiny):
    lesson = tiny.lesson("next-steps", "wrap-up")
    login(client, learner)
    response = hand_in(client, lesson)
    assert response.status_code == 303
    submission = db.session.scalar(select(Submission).filter_by(user_id=learner.id))
    assert (submission.status, submission.review, submission.is_done) == ("submitted", "none", True)
    assert learning.lesson_state(learner, tiny, lesson).status == learning.COMPLETE


def test_nobody_is_asked_to_review_it(client, login, learner, tiny):
    login(client, learner)
    hand_in(client, tiny.lesson("next-steps", "wrap-up"))
    assert review.unassigned_queue() == []


def test_the_lesson_page_says_nobody_marks_it_and_offers_no_mark_as_done(client, login, learner, tiny):
    lesson = tiny.lesson("next-steps", "wrap-up")
    login(client, learner)
    page = client.get(f"/courses/tiny-course/{lesson.module_id}/{lesson.id}").get_data(as_text=True)
    assert "Nobody marks this answer: it is done when you hand it in." in page
    assert "/done" not in page


def test_handing_in_the_last_lesson_completes_the_course_and_issues_the_certificate(client, login, learner, tiny):
    login(client, learner)
    for lesson in tiny.lessons[:-1]:
        if lesson.graded:
            page = client.get(lesson_url(tiny, lesson)).get_data(as_text=True)
            client.post(f"{lesson_url(tiny, lesson)}/answers", data={**answers_for(lesson.source), "attempt": attempt_token(page)})
        else:
            client.post(f"/courses/tiny-course/{lesson.module_id}/{lesson.id}/done")
    response = hand_in(client, tiny.lessons[-1])
    assert learning.enrollment_for(learner, "tiny-course").completed_dt is not None
    assert active_certificate(learner.id, "tiny-course") is not None
    assert "Your certificate is ready" in client.get(response.headers["Location"]).get_data(as_text=True)
