"""Who may open what: every learner-facing and staff route, by who asks."""

import pytest
from helpers import answers_for, attempt_token, lesson_url, statements_sent


@pytest.fixture
def world(app, make_user, course):
    """An owner with an attempt, in the tutor's cohort; another learner in
    no cohort; a tutor of another cohort; an admin."""
    from datetime import date, timedelta

    from academy.cohorts import services as cohorts
    from academy.extensions import db
    from academy.learn import services

    owner = make_user("owner")
    services.enroll(owner, course)
    lesson = next(lesson for lesson in course.lessons if lesson.graded)
    token = services.new_attempt_token(app.config["SECRET_KEY"], owner, course, lesson)
    nonce = services.read_attempt_token(app.config["SECRET_KEY"], token, owner, course, lesson)
    attempt, _ = services.submit_attempt(owner, course, lesson, "en", nonce, _form(answers_for(lesson.source)))
    tutor, other_tutor = make_user("tutor", role="tutor"), make_user("other-tutor", role="tutor")
    start = date.today()
    cohort = cohorts.create_cohort(course, "Line 1", "en", start, start + timedelta(days=20), [tutor])
    cohorts.join_cohort(owner, cohort, course)
    other_cohort = cohorts.create_cohort(course, "Line 2", "en", start, start + timedelta(days=20), [other_tutor])
    db.session.commit()
    return {
        "owner": owner, "other": make_user("other"), "tutor": tutor, "other_tutor": other_tutor,
        "admin": make_user("admin", role="admin"), "officer": make_user("officer", role="officer"),
        "attempt": attempt.id, "lesson": lesson,
        "cohort": cohort.id, "other_cohort": other_cohort.id,
    }


def _form(flat: dict) -> dict:
    return {key: value if isinstance(value, list) else [value] for key, value in flat.items()}


def as_(app, login, world, who):
    client = app.test_client()
    if who != "anonymous":
        login(client, world[who])
    return client


LEARNER_PAGES = ["/my", "/account", "/account/password", "/account/export.json"]


@pytest.mark.parametrize("path", LEARNER_PAGES)
def test_learner_pages_send_anonymous_visitors_to_sign_in(app, login, world, path):
    response = as_(app, login, world, "anonymous").get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", LEARNER_PAGES)
def test_learner_pages_open_for_a_signed_in_learner(app, login, world, path):
    assert as_(app, login, world, "owner").get(path).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("other", 404), ("tutor", 404), ("owner", 200)])
def test_an_attempt_is_seen_by_its_owner_only(app, login, world, who, status):
    assert as_(app, login, world, who).get(f"/attempts/{world['attempt']}").status_code == status


@pytest.mark.parametrize("suffix", ["/answers", "/done", "/visit", "/feedback"])
def test_anonymous_visitors_cannot_post_progress(app, login, world, course, suffix):
    response = as_(app, login, world, "anonymous").post(lesson_url(course, world["lesson"]) + suffix)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_anonymous_visitors_cannot_enrol(app, login, world, course):
    response = as_(app, login, world, "anonymous").post(f"/courses/{course.id}/enroll")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_learner_cannot_use_another_learners_attempt_form(app, login, world, course):
    from academy.extensions import db
    from academy.learn.models import Attempt

    owner_client = as_(app, login, world, "owner")
    token = attempt_token(owner_client.get(lesson_url(course, world["lesson"])).get_data(as_text=True))
    other = as_(app, login, world, "other")
    other.post(f"/courses/{course.id}/enroll")
    other.post(lesson_url(course, world["lesson"]) + "/answers", data={**answers_for(world["lesson"].source), "attempt": token})
    assert db.session.query(Attempt).filter_by(user_id=world["other"].id).count() == 0


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 200), ("admin", 200)])
def test_the_people_page_is_for_tutors_and_admins(app, login, world, who, status):
    assert as_(app, login, world, who).get("/admin/users").status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 404), ("admin", 200)])
def test_settings_are_for_admins(app, login, world, who, status):
    assert as_(app, login, world, who).get("/admin/settings").status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 404), ("admin", 200)])
def test_the_content_page_is_for_admins(app, login, world, who, status):
    assert as_(app, login, world, who).get("/admin/content").status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 404), ("officer", 404),
                                             ("admin", 200)])
@pytest.mark.parametrize("path", ["/admin/organisations", "/admin/organisations/{organisation}/edit"])
def test_organisations_are_for_admins(app, login, world, who, status, path):
    from academy.extensions import db
    from academy.programmes import services as programmes

    organisation = programmes.create_organisation("Saigon Garments", "VN", "apparel", None)
    db.session.commit()
    assert as_(app, login, world, who).get(path.format(organisation=organisation.id)).status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 404), ("officer", 404)])
def test_only_an_admin_adds_renames_or_deletes_an_organisation(app, login, world, who, status):
    from academy.extensions import db
    from academy.programmes import services as programmes

    organisation = programmes.create_organisation("Saigon Garments", "VN", "apparel", None)
    db.session.commit()
    client = as_(app, login, world, who)
    assert client.post("/admin/organisations", data={"name": "Hanoi Shoes", "country": "VN"}).status_code == status
    assert client.post(f"/admin/organisations/{organisation.id}/edit",
                       data={"name": "Renamed", "country": "VN"}).status_code == status
    assert client.post(f"/admin/organisations/{organisation.id}/delete").status_code == status
    db.session.expire_all()
    assert [o.name for o in programmes.organisations()] == ["Saigon Garments"]


def test_anonymous_visitors_cannot_save_a_profile(app, login, world):
    response = as_(app, login, world, "anonymous").post("/account/profile", data={"gender": "woman"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("action", ["upload", "rollback"])
@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 404)])
def test_only_an_admin_installs_or_rolls_back_courses(app, login, world, who, status, action):
    assert as_(app, login, world, who).post(f"/admin/content/{action}").status_code == status


@pytest.mark.parametrize(("who", "target", "status"), [
    ("owner", "other", 404), ("tutor", "owner", 200), ("tutor", "other", 404), ("tutor", "admin", 404),
    ("other_tutor", "owner", 404), ("admin", "tutor", 200), ("admin", "other", 200),
])
def test_password_resets_follow_the_role_and_the_cohort(app, login, world, who, target, status):
    """A tutor resets only the learners of their own cohorts (and accounts they made)."""
    response = as_(app, login, world, who).post(f"/admin/users/{world[target].id}/reset-password")
    assert response.status_code == status


# Every staff route that is about one account, or for admins only.
STAFF_ROUTES = [
    ("get", "/admin/settings"),
    ("post", "/admin/settings"),
    ("post", "/admin/users/{owner}/reset-password"),
    ("post", "/admin/users/{owner}/delete"),
    ("get", "/admin/certificates"),
    ("post", "/admin/certificates/{certificate}/revoke"),
    ("post", "/admin/certificates/{certificate}/reissue"),
    ("get", "/cohorts/{cohort}/"),
    ("get", "/cohorts/{cohort}/learners/{owner}"),
    ("get", "/cohorts/{cohort}/reviews"),
    ("get", "/reviews"),
    ("get", "/admin/feedback"),
    ("get", "/admin/feedback/{course}"),
    ("get", "/admin/feedback/{course}.csv"),
]


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
def test_a_tutor_of_another_cohort_gets_not_found_on_every_staff_route_about_the_learner(
        app, login, world, course, method, path):
    url = path.format(owner=world["owner"].id, certificate="ABCD", cohort=world["cohort"], course=course.id)
    client = as_(app, login, world, "other_tutor")
    response = client.get(url) if method == "get" else client.post(url, data={})
    assert response.status_code == 404


def test_a_tutor_lists_only_the_learners_of_their_cohorts(app, login, world):
    page = as_(app, login, world, "tutor").get("/admin/users").get_data(as_text=True)
    assert ">owner<" in page and ">other<" not in page and ">admin<" not in page


def test_a_tutor_of_another_cohort_lists_none_of_those_learners(app, login, world):
    page = as_(app, login, world, "other_tutor").get("/admin/users").get_data(as_text=True)
    assert ">owner<" not in page and ">other<" not in page


def test_an_admin_lists_every_account(app, login, world):
    page = as_(app, login, world, "admin").get("/admin/users").get_data(as_text=True)
    assert all(f">{name}<" in page for name in ("owner", "other", "tutor", "other-tutor"))


@pytest.mark.parametrize(("who", "status"), [("owner", 404), ("tutor", 404), ("admin", 302)])
def test_only_an_admin_deletes_a_learner(app, login, world, who, status):
    assert as_(app, login, world, who).post(f"/admin/users/{world['other'].id}/delete").status_code == status


def test_anonymous_visitors_cannot_start_a_learning_path(app, login, world):
    response = as_(app, login, world, "anonymous").post("/paths/workplace-rights-basics/start")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 404), ("admin", 200)])
@pytest.mark.parametrize("path", ["/reviews", "/admin/feedback", "/admin/feedback/{course}", "/admin/feedback/{course}.csv"])
def test_the_admins_review_queue_and_lesson_feedback_are_for_admins(app, login, world, course, who, status, path):
    assert as_(app, login, world, who).get(path.format(course=course.id)).status_code == status


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("other_tutor", 404), ("tutor", 200),
                                             ("admin", 200)])
def test_a_cohorts_review_queue_is_for_its_tutors_and_admins(app, login, world, who, status):
    assert as_(app, login, world, who).get(f"/cohorts/{world['cohort']}/reviews").status_code == status


# -- programmes: the impact report and organisations -------------------------------------

REPORT_PAGES = ["/reports", "/reports/report.csv", "/reports/report.xlsx", "/reports/report.pdf"]


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("owner", 404), ("tutor", 404), ("officer", 200),
                                             ("admin", 200)])
@pytest.mark.parametrize("path", REPORT_PAGES)
def test_the_impact_report_is_for_admins_and_programme_officers(app, login, world, who, status, path):
    assert as_(app, login, world, who).get(path).status_code == status


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES + [
    ("get", "/admin/users"), ("post", "/admin/users"), ("get", "/admin/content"), ("get", "/cohorts/"),
    ("get", "/cohorts/new"), ("get", "/admin/sync"),
])  # the organisation pages, with an organisation that exists: test_organisations_are_for_admins and the next
def test_a_programme_officer_gets_not_found_on_every_staff_route(app, login, world, course, method, path):
    """Read-only: the reports, and nothing of the tutors' or the admin's."""
    url = path.format(owner=world["owner"].id, certificate="ABCD", cohort=world["cohort"], course=course.id)
    client = as_(app, login, world, "officer")
    response = client.get(url) if method == "get" else client.post(url, data={})
    assert response.status_code == 404


def test_reading_the_report_and_its_exports_writes_nothing(app, login, world):
    client = as_(app, login, world, "officer")
    client.get("/my")  # the sign-in's first page view is behind us

    def read_everything():
        for path in REPORT_PAGES:
            assert client.get(path, query_string={"start": "2000-01-01", "end": "2100-12-31"}).status_code == 200

    writes = [statement for statement in statements_sent(read_everything)
              if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE")]
    assert writes == []
