"""Who may open each cohort page: a tutor only their own cohorts, an admin
all of them, a learner none (their schedule is on "My learning")."""

import io
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from academy.cohorts import attendance
from academy.cohorts.models import Cohort, CohortMember

COHORT_PAGES = [
    ("get", "/cohorts/{c}/"),
    ("get", "/cohorts/{c}/edit"),
    ("post", "/cohorts/{c}/edit"),
    ("post", "/cohorts/{c}/code"),
    ("get", "/cohorts/{c}/join-sheet.pdf"),
    ("get", "/cohorts/{c}/openings"),
    ("post", "/cohorts/{c}/openings"),
    ("get", "/cohorts/{c}/import"),
    ("post", "/cohorts/{c}/import"),
    ("post", "/cohorts/{c}/members/{u}/remove"),
    ("get", "/cohorts/{c}/sessions"),
    ("post", "/cohorts/{c}/sessions"),
    ("post", "/cohorts/{c}/sessions/{s}/delete"),
    ("get", "/cohorts/{c}/sessions/{s}/attendance"),
    ("post", "/cohorts/{c}/sessions/{s}/attendance"),
    ("post", "/cohorts/{c}/sessions/{s}/everyone-present"),
    ("get", "/cohorts/{c}/dashboard"),
    ("get", "/cohorts/{c}/questions"),
    ("get", "/cohorts/{c}/learners/{u}"),
    ("get", "/cohorts/{c}/export.csv"),
]
# "People" pages about one member's account: the same rule as the cohort's pages.
MEMBER_ACCOUNT_PAGES = [("post", "/admin/users/{u}/reset-password")]
COHORT_PAGES += MEMBER_ACCOUNT_PAGES
STAFF_PAGES = [("get", "/cohorts/"), ("get", "/cohorts/new"), ("post", "/cohorts/new"), ("get", "/admin/users")]


@pytest.fixture
def world(cohort, add_learners):
    learner = add_learners(cohort, ["Lê Thị Hoa"])[0]
    session = attendance.add_session(cohort, datetime.now() - timedelta(hours=1), "in-person", "Room 1")
    return {"c": cohort.id, "u": learner.id, "s": session.id, "learner": learner}


def visit(client, method, path, world):
    url = path.format(**world)
    return client.get(url) if method == "get" else client.post(url, data={})


def allowed(response) -> bool:
    return response.status_code in (200, 302, 303, 422) and "/login" not in response.headers.get("Location", "")


@pytest.mark.parametrize("method,path", COHORT_PAGES + STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, method, path):
    response = visit(client, method, path, world)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("method,path", COHORT_PAGES + STAFF_PAGES)
def test_a_learner_in_the_cohort_sees_no_tutor_page(client, login, world, method, path):
    from academy.auth.services import change_password

    change_password(world["learner"], "learner password", "not used")  # add_learners' password
    login(client, world["learner"], "learner password")
    assert visit(client, method, path, world).status_code == 404


@pytest.mark.parametrize("method,path", COHORT_PAGES)
def test_a_tutor_of_another_cohort_gets_not_found(client, login, other_tutor, world, method, path):
    login(client, other_tutor)
    assert visit(client, method, path, world).status_code == 404


@pytest.mark.parametrize("method,path", COHORT_PAGES + STAFF_PAGES)
def test_the_cohorts_own_tutor_may_use_every_page(client, login, tutor, world, method, path):
    login(client, tutor)
    assert allowed(visit(client, method, path, world))


@pytest.mark.parametrize("method,path", COHORT_PAGES + STAFF_PAGES)
def test_an_admin_may_use_every_page_of_any_cohort(client, login, admin, world, method, path):
    login(client, admin)
    assert allowed(visit(client, method, path, world))


def test_people_lists_a_member_for_their_tutor_only(client, login, tutor, other_tutor, admin, world):
    for who, listed in ((tutor, True), (other_tutor, False), (admin, True)):
        browser = client.application.test_client()
        login(browser, who)
        assert ("Lê Thị Hoa" in browser.get("/admin/users").get_data(as_text=True)) is listed


def test_a_learner_taken_out_of_the_cohort_leaves_the_tutors_care(client, login, tutor, world):
    login(client, tutor)
    client.post(f"/cohorts/{world['c']}/members/{world['u']}/remove")
    assert client.post(f"/admin/users/{world['u']}/reset-password").status_code == 404


def test_learners_a_tutor_imported_stay_in_their_care_outside_the_cohort(client, login, tutor, cohort):
    login(client, tutor)
    client.post(f"/cohorts/{cohort.id}/import", data={"file": (io.BytesIO("display_name\nTrần Văn Nam\n".encode()), "class.csv")},
                content_type="multipart/form-data")
    learner = db_user("tran.van.nam")
    assert learner.created_by_id == tutor.id
    client.post(f"/cohorts/{cohort.id}/members/{learner.id}/remove")
    assert client.post(f"/admin/users/{learner.id}/reset-password").status_code == 200


def test_an_account_a_tutor_made_under_people_is_theirs_and_no_one_elses(client, login, tutor, other_tutor):
    login(client, tutor)
    client.post("/admin/users", data={"display_name": "Võ Thị Sáu", "username": "sau", "language": "vi", "role": "learner"})
    learner = db_user("sau")
    assert learner.created_by_id == tutor.id
    assert client.post(f"/admin/users/{learner.id}/reset-password").status_code == 200
    other = client.application.test_client()
    login(other, other_tutor)
    assert other.post(f"/admin/users/{learner.id}/reset-password").status_code == 404
    assert "Võ Thị Sáu" not in other.get("/admin/users").get_data(as_text=True)


def test_a_tutor_lists_only_the_cohorts_they_tutor(client, login, tutor, other_tutor, make_cohort):
    make_cohort(name="Ana's class")
    make_cohort(name="Ben's class", tutors=[other_tutor])
    login(client, other_tutor)
    page = client.get("/cohorts/").get_data(as_text=True)
    assert "Ben&#39;s class" in page and "Ana&#39;s class" not in page


def test_an_admin_lists_every_cohort(client, login, admin, other_tutor, make_cohort):
    make_cohort(name="Ana's class")
    make_cohort(name="Ben's class", tutors=[other_tutor])
    login(client, admin)
    page = client.get("/cohorts/").get_data(as_text=True)
    assert "Ben&#39;s class" in page and "Ana&#39;s class" in page


def test_another_tutor_cannot_change_the_join_code(client, login, other_tutor, cohort):
    code = cohort.join_code
    login(client, other_tutor)
    client.post(f"/cohorts/{cohort.id}/code")
    assert db_cohort(cohort.id).join_code == code


def test_a_session_of_another_cohort_is_not_found_through_ones_own(client, login, tutor, other_tutor, cohort, make_cohort):
    theirs = make_cohort(name="Ben's class", tutors=[other_tutor])
    session = attendance.add_session(theirs, datetime.now(), "webinar")
    login(client, tutor)
    assert client.get(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance").status_code == 404


def test_the_page_of_someone_outside_the_cohort_is_not_found(client, login, tutor, cohort, make_user):
    stranger = make_user("stranger")
    login(client, tutor)
    assert client.get(f"/cohorts/{cohort.id}/learners/{stranger.id}").status_code == 404


def test_a_tutor_creating_a_cohort_stays_one_of_its_tutors(client, login, tutor, other_tutor, course):
    login(client, tutor)
    client.post("/cohorts/new", data={
        "course": course.id, "name": "Handed over", "language": "en", "starts_on": "2026-01-05",
        "ends_on": "2026-02-05", "pacing": "open", "tutors": [str(other_tutor.id)],
    })
    cohort = db_cohort_by_name("Handed over")
    assert {t.id for t in cohort.tutors} == {tutor.id, other_tutor.id}


def test_the_tutors_nav_link_shows_for_tutors_only(client, login, tutor, make_user):
    login(client, tutor)
    assert 'href="/cohorts/"' in client.get("/my").get_data(as_text=True)
    learner_client = client.application.test_client()
    login(learner_client, make_user("plain"))
    assert 'href="/cohorts/"' not in learner_client.get("/my").get_data(as_text=True)


def test_every_cohort_form_needs_its_csrf_token(client, login, tutor, world):
    login(client, tutor)
    response = client.post(f"/cohorts/{world['c']}/sessions/{world['s']}/attendance",
                           data={f"status-{world['u']}": "present"}, csrf=False)
    assert response.status_code == 400
    assert attendance.attendance_for_session(attendance.session_of(db_cohort(world["c"]), world["s"])) == {}


def test_a_removed_learner_leaves_the_cohort_but_keeps_their_account(client, login, tutor, world):
    login(client, tutor)
    client.post(f"/cohorts/{world['c']}/members/{world['u']}/remove")
    from academy.extensions import db

    assert db.session.scalar(select(CohortMember).filter_by(user_id=world["u"])) is None
    assert world["learner"].id is not None


def db_user(username: str):
    from academy.auth.services import find_user

    return find_user(username)


def db_cohort(cohort_id: int) -> Cohort:
    from academy.extensions import db

    return db.session.get(Cohort, cohort_id)


def db_cohort_by_name(name: str) -> Cohort:
    from academy.extensions import db

    return db.session.scalar(select(Cohort).filter_by(name=name))
