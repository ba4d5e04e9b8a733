"""A whole cohort, run as a new tutor would: create it, import a class, plan
a session and take attendance, watch two learners progress, export."""

import csv
import io
import re
from datetime import date, datetime, timedelta

from helpers import answers_for, attempt_token, lesson_url
from sqlalchemy import select

from academy.auth.models import User
from academy.cohorts.models import Cohort
from academy.extensions import db
from academy.learn.models import Enrollment

CLASS_LIST = (
    "display_name,username,language\r\n"
    "Nguyễn Thị Mai,mai,vi\r\n"
    "王芳,fang,zh\r\n"
    "فاطمة الزهراء,fatima,ar\r\n"
).encode("utf-8-sig")


def first_password(page: str, username: str) -> str:
    slip = page.split(f"<bdi>{username}</bdi>", 1)[1]
    return re.search(r'class="password">([A-Z0-9]+)<', slip).group(1)


def test_a_new_tutor_runs_a_cohort_from_start_to_end(app, client, make_user, login, course):
    tutor = make_user("trainer", role="tutor", display_name="Trần Văn Hùng", language="vi")
    login(client, tutor)

    # 1. Create the cohort.
    page = client.get("/cohorts/new")
    assert page.status_code == 200
    today = date.today()
    response = client.post("/cohorts/new", data={
        "course": course.id, "name": "Nhà máy 2 — ca sáng", "language": "vi",
        "starts_on": (today - timedelta(days=1)).isoformat(), "ends_on": (today + timedelta(days=27)).isoformat(),
        "pacing": "open", "tutors": [str(tutor.id)], "min_attendance_percent": "80",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    cohort = db.session.scalar(select(Cohort))
    assert cohort.min_attendance_percent == 80 and [t.id for t in cohort.tutors] == [tutor.id]
    overview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{cohort.join_code[:4]}-{cohort.join_code[4:]}" in overview

    # 2. Import the class; the credentials sheet lists everyone.
    response = client.post(f"/cohorts/{cohort.id}/import",
                           data={"file": (io.BytesIO(CLASS_LIST), "class.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    sheet = response.get_data(as_text=True)
    for name in ("Nguyễn Thị Mai", "王芳", "فاطمة الزهراء"):
        assert name in sheet
    passwords = {username: first_password(sheet, username) for username in ("mai", "fang", "fatima")}

    # 3. Plan a session that has just started and take attendance on the phone.
    started = (datetime.now() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/cohorts/{cohort.id}/sessions",
                           data={"starts_dt": started, "modality": "in-person", "place": "Phòng họp 1"})
    assert response.status_code == 302
    session_id = cohort.sessions[0].id
    attendance_page = client.get(f"/cohorts/{cohort.id}/sessions/{session_id}/attendance").get_data(as_text=True)
    assert attendance_page.count('type="radio"') == 9
    users = {u.username: u for u in db.session.scalars(select(User).where(User.role == "learner"))}
    client.post(f"/cohorts/{cohort.id}/sessions/{session_id}/attendance", data={
        f"status-{users['mai'].id}": "present", f"status-{users['fang'].id}": "present",
        f"status-{users['fatima'].id}": "excused",
    })

    # 4. Two learners sign in with their first password, choose their own and learn.
    first = course.lessons[0]
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    for username, right in (("mai", True), ("fang", False)):
        learner = app.test_client()
        assert learner.post("/login", data={"username": username, "password": passwords[username]}).status_code == 302
        learner.post("/account/password", data={"password": "my own password", "confirm": "my own password"})
        my = learner.get("/my").get_data(as_text=True)
        assert "Nhà máy 2 — ca sáng" in my and "Phòng họp 1" in my
        learner.post(lesson_url(course, first) + "/done")
        token = attempt_token(learner.get(lesson_url(course, graded)).get_data(as_text=True))
        learner.post(lesson_url(course, graded) + "/answers",
                     data={**answers_for(graded.source, correct=right), "attempt": token})

    board = client.get(f"/cohorts/{cohort.id}/dashboard").get_data(as_text=True)
    assert board.count("cell-complete") == 3  # Mai: two lessons, Fang: one
    assert board.count("cell-failed") == 1
    questions = client.get(f"/cohorts/{cohort.id}/questions")
    assert questions.status_code == 200

    # 5. Export and read it back.
    export = client.get(f"/cohorts/{cohort.id}/export.csv")
    rows = list(csv.reader(io.StringIO(export.data.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Nguyễn Thị Mai", "王芳", "فاطمة الزهراء"}
    assert db.session.scalar(select(Enrollment).filter_by(user_id=users["fatima"].id)) is not None
