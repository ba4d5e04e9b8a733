"""Tutors review their cohort's answers: the queue, marking each criterion,
returning for another try or accepting; admins review what has no tutor."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from helpers import answers_for
from sqlalchemy import select

from academy.certificates.services import active_certificate
from academy.cohorts import services
from academy.extensions import db
from academy.learn import assignments
from academy.learn import services as learning
from academy.learn.models import Submission

COURSE = "preventing-sexual-harassment"
JPEG = (Path(__file__).resolve().parents[1] / "fixtures" / "uploads" / "notice-board.jpg").read_bytes()
ANSWER = "Tôi có thể báo cho công đoàn, phòng nhân sự hoặc gọi đường dây nóng. Báo cáo được giữ bí mật."


@pytest.fixture
def ash(shipped_library):
    return shipped_library.get(COURSE)


@pytest.fixture
def lesson(ash):
    return ash.lesson("speaking-up", "grievance-channel")


@pytest.fixture
def ash_cohort(make_cohort, ash):
    return make_cohort(course_=ash, name="Xưởng may 2")


@pytest.fixture
def learner(make_user, ash_cohort, ash):
    user = make_user("lan", display_name="Trần Thị Lan", language="vi")
    services.join_cohort(user, ash_cohort, ash)
    db.session.commit()
    return user


def hand_in(user, ash, lesson, text=ANSWER, photo=None, app=None):
    assignment = lesson.source.assignment("report-a-concern")
    if photo is not None:
        assignments.attach_file(user, ash, lesson, assignment, photo, app.config["DATA_DIR"], 5_000_000, "vi")
    submission = assignments.submit(user, ash, lesson, assignment, text, "vi")
    db.session.commit()
    return submission


def review_url(submission) -> str:
    return f"/reviews/{submission.id}"


ALL_MET = {"criterion-channels": "met", "criterion-what-happens": "met", "criterion-protection": "met"}


def complete_everything_but(user, course, lesson_key):
    """Every other lesson of the course complete, through the real services."""
    for other in course.lessons:
        if other.key == lesson_key:
            continue
        if other.graded:
            form = {k: v if isinstance(v, list) else [v] for k, v in answers_for(other.source).items()}
            learning.submit_attempt(user, course, other, "en", secrets.token_hex(8), form)
        else:
            learning.mark_done(user, course, other)
    db.session.commit()


def test_the_tutor_sees_a_handed_in_answer_in_the_cohort_queue(client, login, tutor, learner, ash, lesson):
    submission = hand_in(learner, ash, lesson)
    login(client, tutor)
    page = client.get(f"/cohorts/{submission_cohort_id(learner)}/reviews").get_data(as_text=True)
    assert "Trần Thị Lan" in page and review_url(submission) in page


def submission_cohort_id(user) -> int:
    return services.membership_for(user, COURSE).cohort_id


def test_the_review_page_shows_the_answer_its_photo_and_the_criteria(app, client, login, tutor, learner, ash, lesson):
    submission = hand_in(learner, ash, lesson, photo=JPEG, app=app)
    login(client, tutor)
    page = client.get(review_url(submission)).get_data(as_text=True)
    assert ANSWER in page
    assert f"/answers/files/{submission.files[0].id}" in page
    assert "Names at least two ways to report" in page
    assert client.get(f"/answers/files/{submission.files[0].id}").status_code == 200


def test_a_tutor_of_another_cohort_cannot_see_the_answer_or_its_photo(app, client, login, other_tutor, learner, ash, lesson):
    submission = hand_in(learner, ash, lesson, photo=JPEG, app=app)
    login(client, other_tutor)
    assert client.get(review_url(submission)).status_code == 404
    assert client.get(f"/answers/files/{submission.files[0].id}").status_code == 404


def test_returning_an_answer_needs_feedback(client, login, tutor, learner, ash, lesson):
    submission = hand_in(learner, ash, lesson)
    login(client, tutor)
    response = client.post(review_url(submission), data={**ALL_MET, "decision": "returned", "feedback": " "})
    assert response.status_code == 422
    assert "Please write what the learner should improve" in response.get_data(as_text=True)
    assert db.session.get(Submission, submission.id).status == "submitted"


def test_every_criterion_must_be_marked(client, login, tutor, learner, ash, lesson):
    submission = hand_in(learner, ash, lesson)
    login(client, tutor)
    response = client.post(review_url(submission), data={"criterion-channels": "met", "decision": "accepted"})
    assert response.status_code == 422
    assert "Please mark every criterion" in response.get_data(as_text=True)


def test_a_returned_answer_shows_the_feedback_to_the_learner_who_can_try_again(client, login, tutor, learner, ash, lesson):
    submission = hand_in(learner, ash, lesson)
    login(client, tutor)
    client.post(review_url(submission), data={"criterion-channels": "met", "criterion-what-happens": "not-yet",
                                              "criterion-protection": "met", "decision": "returned",
                                              "feedback": "Hãy nói thêm điều gì xảy ra sau khi báo cáo."})
    returned = db.session.get(Submission, submission.id)
    assert returned.status == "returned" and returned.latest_review.marks == {
        "channels": True, "what-happens": False, "protection": True}
    client.post("/logout")
    login(client, learner)
    assert "Hãy nói thêm điều gì xảy ra sau khi báo cáo." in client.get("/my").get_data(as_text=True)
    client.post(f"/courses/{COURSE}/speaking-up/grievance-channel/assignments/report-a-concern",
                data={"text": ANSWER + " Sau đó công ty điều tra.", "action": "submit"})
    again = db.session.get(Submission, submission.id)
    assert (again.status, again.round) == ("submitted", 2)


def test_accepting_the_last_missing_answer_completes_the_course_and_issues_the_certificate(client, login, tutor, learner, ash, lesson):
    complete_everything_but(learner, ash, lesson.key)
    form = {k: v if isinstance(v, list) else [v] for k, v in answers_for(lesson.source).items()}
    learning.submit_attempt(learner, ash, lesson, "vi", secrets.token_hex(8), form)
    submission = hand_in(learner, ash, lesson)
    assert learning.enrollment_for(learner, COURSE).completed_dt is None
    login(client, tutor)
    response = client.post(review_url(submission), data={**ALL_MET, "decision": "accepted", "feedback": "Tốt lắm!"})
    assert response.status_code == 303
    assert learning.lesson_state(learner, ash, lesson).status == learning.COMPLETE
    assert learning.enrollment_for(learner, COURSE).completed_dt is not None
    assert active_certificate(learner.id, COURSE) is not None


def test_an_accepted_answer_cannot_be_reviewed_again(client, login, tutor, learner, ash, lesson):
    submission = hand_in(learner, ash, lesson)
    login(client, tutor)
    client.post(review_url(submission), data={**ALL_MET, "decision": "accepted"})
    response = client.post(review_url(submission), data={**ALL_MET, "decision": "returned", "feedback": "No."})
    assert response.status_code == 422
    assert db.session.get(Submission, submission.id).status == "accepted"


def test_a_self_paced_learners_answer_waits_for_an_admin(client, login, make_user, tutor, admin, ash, lesson):
    alone = make_user("minh", display_name="Lê Minh")
    learning.enroll(alone, ash)
    submission = hand_in(alone, ash, lesson)
    login(client, tutor)
    assert client.get(review_url(submission)).status_code == 404
    assert client.get("/reviews").status_code == 404
    client.post("/logout")
    login(client, admin)
    assert "Lê Minh" in client.get("/reviews").get_data(as_text=True)
    client.post(review_url(submission), data={**ALL_MET, "decision": "accepted"})
    assert db.session.scalar(select(Submission.status).filter_by(id=submission.id)) == "accepted"


def test_the_cohort_menu_counts_the_answers_waiting(client, login, tutor, learner, ash, lesson, ash_cohort):
    hand_in(learner, ash, lesson)
    login(client, tutor)
    page = client.get(f"/cohorts/{ash_cohort.id}/").get_data(as_text=True)
    assert "Answers to review (1)" in page
