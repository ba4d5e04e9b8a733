"""The profile a learner may give for the programme's reports: switched on
by the admin, every answer optional, in the learner's language, in their
data export, and gone with their account."""

import json
import re

import pytest

from academy.extensions import db
from academy.programmes import services as programmes
from academy.programmes.models import LearnerProfile


@pytest.fixture
def asked(app):
    programmes.set_enabled_profile_fields(["gender", "job_role", "age_band"])
    db.session.commit()


def test_the_account_page_asks_nothing_until_the_admin_switches_a_question_on(client, login, make_user):
    login(client, make_user("mai"))
    page = client.get("/account").get_data(as_text=True)
    assert 'name="gender"' not in page and 'name="job_role"' not in page


def test_the_admin_switches_on_the_questions_in_the_settings(client, login, admin):
    login(client, admin)
    response = client.post("/admin/settings", data={"organisation": "Academy", "ask_gender": "y", "ask_age_band": "y"})
    assert response.status_code == 302
    assert programmes.enabled_profile_fields() == ("gender", "age_band")
    page = client.get("/admin/settings").get_data(as_text=True)
    assert re.search(r'<input checked id="ask_gender"', page) and not re.search(r'<input checked id="ask_job_role"', page)


def test_a_learner_sees_only_the_questions_switched_on(client, login, make_user):
    programmes.set_enabled_profile_fields(["job_role"])
    db.session.commit()
    login(client, make_user("mai"))
    page = client.get("/account").get_data(as_text=True)
    assert 'name="job_role"' in page and 'name="gender"' not in page and 'name="age_band"' not in page


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Gender", "Woman", "Prefer not to say", "Supervisor", "Under 20", "50 or older"]),
    ("vi", ["Giới tính", "Nữ", "Không muốn trả lời", "Tổ trưởng", "Dưới 20", "Từ 50 tuổi trở lên"]),
    ("zh", ["性别", "女", "不愿透露", "班组长", "20岁以下", "50岁及以上"]),
    ("ar", ["الجنس", "امرأة", "أفضّل عدم الإجابة", "مشرف", "أقل من 20", "50 أو أكثر"]),
])
def test_the_questions_are_in_the_learners_language(client, login, make_user, asked, language, words):
    login(client, make_user("mai", language=language))
    page = client.get("/account").get_data(as_text=True)
    for word in words:
        assert word in page


def test_a_learner_answers_and_can_take_an_answer_back(client, login, make_user, asked):
    learner = make_user("mai")
    login(client, learner)
    client.post("/account/profile", data={"gender": "woman", "job_role": "worker", "age_band": "20-29"})
    profile = db.session.get(LearnerProfile, learner.id)
    assert (profile.gender, profile.job_role, profile.age_band) == ("woman", "worker", "20-29")
    client.post("/account/profile", data={"gender": "", "job_role": "worker", "age_band": ""})
    db.session.refresh(profile)
    assert (profile.gender, profile.job_role, profile.age_band) == (None, "worker", None)


def test_an_answer_that_is_not_offered_is_refused_and_nothing_changes(client, login, make_user, asked):
    learner = make_user("mai")
    login(client, learner)
    client.post("/account/profile", data={"gender": "robot", "job_role": "worker"})
    assert db.session.get(LearnerProfile, learner.id) is None


def test_no_answer_is_needed_to_learn(client, login, make_user, asked, course):
    login(client, make_user("mai"))
    assert client.post(f"/courses/{course.id}/enroll").status_code == 302
    lesson = course.lessons[0]
    page = client.get(f"/courses/{course.id}/{lesson.module_id}/{lesson.id}")
    assert page.status_code == 200


def test_the_data_export_has_the_profile_and_the_organisation(client, login, make_user, asked, make_organisation):
    learner = make_user("mai")
    organisation = make_organisation("Saigon Garments")
    programmes.set_organisation(learner, organisation.id)
    programmes.update_profile(learner, {"gender": "woman", "job_role": "supervisor", "age_band": "30-39"})
    db.session.commit()
    login(client, learner)
    data = json.loads(client.get("/account/export.json").get_data(as_text=True))
    assert data["profile"] == {"organisation": "Saigon Garments", "gender": "woman", "job_role": "supervisor",
                               "age_band": "30-39"}


def test_the_profile_goes_with_the_account(client, login, admin, make_user, asked):
    learner = make_user("mai")
    programmes.update_profile(learner, {"gender": "woman"})
    db.session.commit()
    learner_id = learner.id
    login(client, admin)
    assert client.post(f"/admin/users/{learner_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(LearnerProfile, learner_id) is None


def test_the_account_page_shows_the_learners_organisation(client, login, make_user, make_organisation):
    learner = make_user("mai")
    programmes.set_organisation(learner, make_organisation("Saigon Garments").id)
    db.session.commit()
    login(client, learner)
    assert "Saigon Garments" in client.get("/account").get_data(as_text=True)
