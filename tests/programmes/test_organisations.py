"""Organisations: the enterprises a box serves. Admins keep the list;
cohorts and learners belong to one."""

import pytest
from sqlalchemy import select

from academy.extensions import db
from academy.programmes import services as programmes
from academy.programmes.models import LearnerProfile, Organisation


def add(client, **fields):
    data = {"name": "Saigon Garments", "country": "VN", "sector": "apparel", "parent": "", **fields}
    return client.post("/admin/organisations", data=data)


def test_an_admin_adds_an_organisation_and_sees_its_country_in_their_language(client, login, admin):
    admin.language = "vi"
    login(client, admin)
    assert add(client, parent="Anti-harassment programme").status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.name, organisation.country, organisation.sector) == ("Saigon Garments", "VN", "apparel")
    assert organisation.parent == "Anti-harassment programme"
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "Việt Nam" in page and "Saigon Garments" in page


@pytest.mark.parametrize(("language", "name"), [("en", "Vietnam"), ("zh", "越南"), ("ar", "فيتنام")])
def test_a_country_is_named_in_the_readers_language(language, name):
    assert programmes.country_name("VN", language) == name


def test_the_country_list_has_countries_only(app):
    codes = programmes.country_codes()
    assert {"VN", "CN", "EG", "MY", "DE"} <= set(codes)
    assert not {"EU", "UN", "ZZ", "001", "419"} & set(codes)


def test_a_second_organisation_with_the_same_name_in_another_case_is_refused(client, login, admin, make_organisation):
    make_organisation("Saigon Garments")
    login(client, admin)
    response = add(client, name="  SAIGON   garments ")
    assert response.status_code == 422
    assert "already an organisation called" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Organisation.id))) == 1


def test_an_unknown_country_code_is_refused(app):
    with pytest.raises(programmes.ProgrammeError) as caught:
        programmes.create_organisation("Factory", "XX")
    assert caught.value.code == "bad-country"


def test_an_admin_renames_an_organisation(client, login, admin, make_organisation):
    organisation = make_organisation()
    login(client, admin)
    response = client.post(f"/admin/organisations/{organisation.id}/edit",
                           data={"name": "Saigon Garments No. 2", "country": "VN", "sector": "", "parent": ""})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.name == "Saigon Garments No. 2" and organisation.sector is None


def test_an_organisation_nobody_belongs_to_can_be_deleted(client, login, admin, make_organisation):
    organisation_id = make_organisation().id
    login(client, admin)
    assert client.post(f"/admin/organisations/{organisation_id}/delete").status_code == 302
    assert db.session.get(Organisation, organisation_id) is None


def test_an_organisation_in_use_is_kept(client, login, admin, make_organisation, learners):
    organisation = make_organisation()
    learners(1, organisation)
    login(client, admin)
    client.post(f"/admin/organisations/{organisation.id}/delete")
    assert db.session.get(Organisation, organisation.id) is not None


@pytest.mark.parametrize("who", ["tutor", "officer"])
def test_only_admins_keep_the_organisations(client, login, request, who, make_organisation):
    organisation = make_organisation()
    login(client, request.getfixturevalue(who))
    assert client.get("/admin/organisations").status_code == 404
    assert client.get(f"/admin/organisations/{organisation.id}/edit").status_code == 404


def test_a_tutor_gives_a_new_cohort_its_organisation(client, login, tutor, course, make_organisation):
    organisation = make_organisation()
    login(client, tutor)
    response = client.post("/cohorts/new", data={
        "course": course.id, "name": "Line 3", "language": "vi", "starts_on": "2026-05-01", "ends_on": "2026-05-28",
        "pacing": "open", "tutors": [str(tutor.id)], "organisation": str(organisation.id)})
    assert response.status_code == 302
    from academy.cohorts.models import Cohort

    assert db.session.scalar(select(Cohort)).organisation_id == organisation.id


def test_a_learner_who_joins_a_cohort_belongs_to_its_organisation(client, login, make_user, make_cohort, make_organisation):
    organisation = make_organisation()
    cohort = make_cohort(organisation=organisation)
    learner = make_user("mai")
    login(client, learner)
    assert client.post("/cohorts/join", data={"code": cohort.join_code}).status_code == 302
    assert db.session.get(LearnerProfile, learner.id).organisation_id == organisation.id


def test_registering_with_a_join_code_gives_the_cohorts_organisation(client, make_cohort, make_organisation):
    organisation = make_organisation()
    cohort = make_cohort(organisation=organisation)
    response = client.post("/register", data={"display_name": "Lan", "username": "lan", "password": "a long password",
                                              "confirm": "a long password", "language": "vi", "join_code": cohort.join_code})
    assert response.status_code == 302
    from academy.auth.models import User

    user = db.session.scalar(select(User).filter_by(username="lan"))
    assert db.session.get(LearnerProfile, user.id).organisation_id == organisation.id


def test_a_learner_keeps_their_own_organisation_when_joining_another_enterprises_cohort(
        client, login, make_user, make_cohort, make_organisation):
    own, other = make_organisation("Hanoi Electronics"), make_organisation("Saigon Garments")
    cohort = make_cohort(organisation=other)
    learner = make_user("mai")
    programmes.set_organisation(learner, own.id)
    db.session.commit()
    login(client, learner)
    client.post("/cohorts/join", data={"code": cohort.join_code})
    assert db.session.get(LearnerProfile, learner.id).organisation_id == own.id


def test_giving_a_cohort_an_organisation_gives_it_to_its_members_without_one(
        client, login, tutor, make_cohort, make_organisation, learners, progress, course):
    organisation = make_organisation()
    cohort = make_cohort()
    members = learners(3)
    progress(members, course, cohort=cohort)
    login(client, tutor)
    response = client.post(f"/cohorts/{cohort.id}/edit", data={
        "name": cohort.name, "language": "vi", "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(), "pacing": "open", "tutors": [str(tutor.id)],
        "organisation": str(organisation.id)})
    assert response.status_code == 302
    assert {db.session.get(LearnerProfile, u.id).organisation_id for u in members} == {organisation.id}


def test_an_admin_creates_a_learner_in_an_organisation(client, login, admin, make_organisation):
    organisation = make_organisation()
    login(client, admin)
    client.post("/admin/users", data={"display_name": "Hoa", "username": "hoa", "language": "vi", "role": "learner",
                                      "organisation": str(organisation.id)})
    from academy.auth.models import User

    user = db.session.scalar(select(User).filter_by(username="hoa"))
    assert db.session.get(LearnerProfile, user.id).organisation_id == organisation.id
