"""A cohort on a learning path: one join code for the path's courses, the
tutor follows each course and reviews the answers of all of them."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.cohorts import services
from academy.cohorts.models import Cohort, CohortMember
from academy.extensions import db
from academy.learn import assignments
from academy.learn import learning_paths as paths
from academy.learn import services as learning

PATH = "workplace-rights-basics"
COURSES = ["preventing-sexual-harassment", "hrdd-essentials"]


def new_cohort(client, tutor, pacing="open"):
    today = date.today()
    return client.post("/cohorts/new", data={
        "course": f"path:{PATH}", "name": "Quyền tại nơi làm việc — lớp 1", "language": "vi",
        "starts_on": (today - timedelta(days=1)).isoformat(), "ends_on": (today + timedelta(days=27)).isoformat(),
        "pacing": pacing, "tutors": [str(tutor.id)], "min_attendance_percent": "",
    })


@pytest.fixture
def path_cohort(client, login, tutor):
    login(client, tutor)
    response = new_cohort(client, tutor)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    return db.session.scalar(select(Cohort))


def join(client, login, user, cohort):
    login(client, user)
    return client.post("/cohorts/join", data={"code": cohort.join_code})


def test_a_tutor_can_choose_a_learning_path_for_a_new_cohort(client, login, tutor):
    login(client, tutor)
    assert f'value="path:{PATH}"' in client.get("/cohorts/new").get_data(as_text=True)
    assert new_cohort(client, tutor).status_code == 302
    assert db.session.scalar(select(Cohort.course_id)) == f"path:{PATH}"


def test_a_cohort_on_a_path_cannot_have_scheduled_pacing(client, login, tutor):
    login(client, tutor)
    response = new_cohort(client, tutor, pacing="scheduled")
    assert "A cohort on a learning path has open pacing" in response.get_data(as_text=True)
    assert db.session.scalar(select(Cohort)) is None


def test_joining_puts_the_learner_in_every_course_of_the_path_and_on_the_path(client, login, make_user, path_cohort):
    learner = make_user("hanh", language="vi")
    assert join(client, login, learner, path_cohort).status_code == 302
    rows = db.session.scalars(select(CohortMember).filter_by(user_id=learner.id)).all()
    assert sorted(row.course_id for row in rows) == sorted(COURSES) and {row.cohort_id for row in rows} == {path_cohort.id}
    assert learning.enrolled_course_ids(learner) == set(COURSES)
    assert paths.path_enrollment_for(learner, PATH) is not None


def test_the_learner_sees_the_cohort_once_with_its_path(client, login, make_user, path_cohort):
    learner = make_user("hanh", language="en")
    join(client, login, learner, path_cohort)
    page = client.get("/my").get_data(as_text=True)
    assert page.count("My cohort") == 1 and "Learning path:" in page and "Workplace rights basics" in page


def test_the_tutor_sees_each_learner_once_and_each_course_of_the_path(client, login, make_user, tutor, path_cohort):
    join(client, login, make_user("hanh", display_name="Bùi Hạnh"), path_cohort)
    client.post("/logout")
    login(client, tutor)
    assert client.get(f"/cohorts/{path_cohort.id}/").get_data(as_text=True).count("Bùi Hạnh") == 1
    assert services.member_counts([path_cohort.id]) == {path_cohort.id: 1}
    second = client.get(f"/cohorts/{path_cohort.id}/dashboard?course=hrdd-essentials").get_data(as_text=True)
    assert "Bùi Hạnh" in second and "Human-rights due diligence essentials" in second


def test_the_tutor_reviews_answers_from_the_paths_courses(client, login, make_user, tutor, path_cohort, library):
    learner = make_user("hanh", display_name="Bùi Hạnh")
    join(client, login, learner, path_cohort)
    course = library.get("preventing-sexual-harassment")
    lesson = course.lesson("speaking-up", "grievance-channel")
    assignments.submit(learner, course, lesson, lesson.source.assignment("report-a-concern"), "Tôi báo công đoàn.", "vi")
    db.session.commit()
    client.post("/logout")
    login(client, tutor)
    assert "Bùi Hạnh" in client.get(f"/cohorts/{path_cohort.id}/reviews").get_data(as_text=True)


def test_a_class_imported_into_a_path_cohort_joins_every_course(client, login, tutor, path_cohort):
    login(client, tutor)
    client.post(f"/cohorts/{path_cohort.id}/import", content_type="multipart/form-data",
                data={"file": (io.BytesIO("display_name,username\nLò Văn Sáng,sang\n".encode()), "class.csv")})
    rows = db.session.scalars(select(CohortMember).filter_by(cohort_id=path_cohort.id)).all()
    assert sorted(row.course_id for row in rows) == sorted(COURSES)
