"""A class list may name each learner's organisation: a name the admin
added (in any case), or the line is a problem and nothing is created."""

import io

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.extensions import db
from academy.programmes import services as programmes
from academy.programmes.models import LearnerProfile


@pytest.fixture
def organisations(app):
    saigon = programmes.create_organisation("Saigon Garments", "VN")
    hanoi = programmes.create_organisation("Hà Nội Electronics", "VN")
    db.session.commit()
    return saigon, hanoi


def upload(client, cohort, text):
    return client.post(f"/cohorts/{cohort.id}/import", data={"file": (io.BytesIO(text.encode()), "class.csv")},
                       content_type="multipart/form-data")


def organisation_of(username):
    user = db.session.scalar(select(User).filter_by(username=username))
    profile = db.session.get(LearnerProfile, user.id)
    return profile.organisation_id if profile else None


def test_each_learner_belongs_to_the_organisation_on_their_line(client, login, tutor, cohort, organisations):
    saigon, hanoi = organisations
    login(client, tutor)
    response = upload(client, cohort, "display_name,username,organisation\n"
                                      "Nguyễn Thị Mai,mai,saigon GARMENTS\nLê Văn Nam,nam,Hà Nội Electronics\n")
    assert response.status_code == 200
    assert organisation_of("mai") == saigon.id and organisation_of("nam") == hanoi.id


def test_a_line_without_an_organisation_takes_the_cohorts(client, login, tutor, cohort, organisations):
    saigon, hanoi = organisations
    cohort.organisation_id = hanoi.id
    db.session.commit()
    login(client, tutor)
    upload(client, cohort, "display_name,username,organisation\nMai,mai,\nNam,nam,Saigon Garments\n")
    assert organisation_of("mai") == hanoi.id and organisation_of("nam") == saigon.id


def test_an_unknown_organisation_is_a_problem_with_its_line_and_nothing_is_created(client, login, tutor, cohort,
                                                                                    organisations):
    login(client, tutor)
    before = db.session.scalar(select(func.count(User.id)))
    response = upload(client, cohort, "display_name,organisation\nMai,Saigon Garments\nNam,Saigon Garmnets\n")
    assert response.status_code == 422
    assert "Line 3: there is no organisation called “Saigon Garmnets”" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == before


def test_the_american_spelling_of_the_column_is_understood(client, login, tutor, cohort, organisations):
    login(client, tutor)
    assert upload(client, cohort, "display_name,username,Organization\nMai,mai,Saigon Garments\n").status_code == 200
    assert organisation_of("mai") == organisations[0].id


def test_a_tutor_who_imports_a_class_of_an_organisation_sees_those_learners_and_no_others_of_it(
        app, client, login, tutor, other_tutor, cohort, organisations, make_user):
    """Main's hardening holds with the organisation column: the People page
    lists a tutor's own learners, not everyone of the same enterprise."""
    saigon, _hanoi = organisations
    stranger = make_user("stranger")
    programmes.set_organisation(stranger, saigon.id)
    db.session.commit()
    login(client, tutor)
    assert upload(client, cohort, "display_name,username,organisation\nMai,mai,Saigon Garments\n").status_code == 200
    people = client.get("/admin/users").get_data(as_text=True)
    assert ">mai<" in people and ">stranger<" not in people
    other = app.test_client()
    login(other, other_tutor)
    assert ">mai<" not in other.get("/admin/users").get_data(as_text=True)
    mai = db.session.scalar(select(User).filter_by(username="mai"))
    assert other.post(f"/admin/users/{mai.id}/reset-password").status_code == 404
