"""The same migrations and the same learner, cohort and certificate code on
PostgreSQL, with two app instances sharing one database (as several app
processes would)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from helpers import CsrfClient, answers_for
from sqlalchemy import func, select, text

from academy import create_app
from academy.extensions import db
from academy.setup import upgrade_database


@pytest.fixture(scope="module")
def pg_apps(postgres_url, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("pg-data")
    config = {"DATA_DIR": str(data_dir), "DATABASE_URL": postgres_url, "SECRET_KEY": "pg-tests", "TESTING": True}
    first, second = create_app(config), create_app(config)
    first.test_client_class = second.test_client_class = CsrfClient
    upgrade_database(first)
    yield first, second
    for app in (first, second):
        with app.app_context():
            from academy.extensions import db

            db.engine.dispose()


def test_the_migrations_bring_postgresql_to_the_models(pg_apps):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from academy.extensions import db

    app, _ = pg_apps
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("select version()")).scalar().startswith("PostgreSQL")
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []


def _form(flat: dict) -> dict:
    return {key: value if isinstance(value, list) else [value] for key, value in flat.items()}


def test_a_learner_completes_a_course_and_gets_one_certificate_on_postgresql(pg_apps):
    from academy.auth.services import create_user
    from academy.certificates import services as certificates
    from academy.extensions import db
    from academy.learn import services as learning
    from academy.learn.models import Attempt
    from academy.library import get_library

    app, _ = pg_apps
    with app.app_context():
        course = get_library().get("hrdd-essentials")
        user = create_user("pg-learner", "a long password", "Đỗ Thị Hằng", language="vi")
        learning.enroll(user, course)
        for lesson in course.lessons:
            if not lesson.graded:
                learning.mark_done(user, course, lesson)
                continue
            token = learning.new_attempt_token("pg-tests", user, course, lesson)
            nonce = learning.read_attempt_token("pg-tests", token, user, course, lesson)
            form = _form(answers_for(lesson.text("vi")))
            first, created = learning.submit_attempt(user, course, lesson, "vi", nonce, form)
            again, created_again = learning.submit_attempt(user, course, lesson, "vi", nonce, form)
            assert created and not created_again and first.id == again.id
        assert db.session.scalar(select(func.count(Attempt.id)).filter_by(user_id=user.id)) == 3
        certificate = certificates.issue_if_eligible(user, course, "Academy")
        assert certificates.issue_if_eligible(user, course, "Academy").id == certificate.id
        assert certificate.learner_name == "Đỗ Thị Hằng"


def test_the_sign_in_throttle_is_shared_by_every_app_process(pg_apps):
    from academy.auth import services as accounts

    first, second = pg_apps
    with first.app_context():
        accounts.create_user("pg-shared", "a long password")
        db.session.commit()
        for _ in range(first.config["LOGIN_MAX_FAILURES"]):
            with pytest.raises(accounts.AccountError):
                accounts.authenticate("pg-shared", "wrong password", "192.0.2.1")
            db.session.commit()  # as the sign-in view does: a failed try is kept
    with second.app_context():
        with pytest.raises(accounts.AccountError) as locked:
            accounts.authenticate("pg-shared", "a long password", "192.0.2.1")
        assert locked.value.code == "locked"


def test_a_cohort_dashboard_is_built_on_postgresql(pg_apps):
    from academy.auth.services import create_user
    from academy.cohorts import attendance
    from academy.cohorts import services as cohorts
    from academy.library import get_library

    app, _ = pg_apps
    with app.app_context():
        course = get_library().get("climate-action-cycling")
        tutor = create_user("pg-tutor", "a long password", "李老师", role="tutor", language="zh")
        cohort = cohorts.create_cohort(course, "装配车间", "zh", date.today() - timedelta(days=3),
                                       date.today() + timedelta(days=20), [tutor], min_attendance_percent=50)
        learner = create_user("pg-worker", "a long password", "王芳", language="zh")
        cohorts.join_cohort(learner, cohort, course)
        session = attendance.add_session(cohort, datetime.now() - timedelta(hours=1), "in-person", "三号会议室")
        attendance.record_attendance(session, {learner.id: "present"})
        assert attendance.attendance_requirement_met(learner, course.id)
        db.session.commit()
        cohort_id = cohort.id
    client = app.test_client()
    response = client.post("/login", data={"username": "pg-tutor", "password": "a long password"})
    assert response.status_code == 302
    page = client.get(f"/cohorts/{cohort_id}/dashboard")
    assert page.status_code == 200 and "王芳" in page.get_data(as_text=True)


def test_parallel_wrong_guesses_are_counted_exactly_on_postgresql(pg_apps):
    from helpers import in_parallel

    from academy.auth import services as accounts
    from academy.auth.models import LoginFailure

    first, second = pg_apps
    with first.app_context():
        accounts.create_user("pg-parallel", "a long password")
        db.session.commit()

    def guess(i):
        app = (first, second)[i % 2]  # two app processes, one database
        with app.app_context():
            try:
                accounts.authenticate("pg-parallel", f"wrong guess {i}", f"192.0.2.{i}")
            except accounts.AccountError as exc:
                db.session.commit()
                return exc.code
            finally:
                db.session.remove()
        return "signed in"

    codes = in_parallel(20, guess)
    assert sorted(codes) == ["bad-credentials"] * 5 + ["locked"] * 15
    with first.app_context():
        counts = db.session.scalars(select(LoginFailure.count).where(LoginFailure.key.like("user:%"))).all()
        assert 20 in counts


def test_the_setup_link_posted_at_once_makes_one_admin_on_postgresql(pg_apps):
    from helpers import in_parallel

    from academy.auth import services as accounts
    from academy.auth.models import User

    first, second = pg_apps
    with first.app_context():
        if accounts.has_admin():
            pytest.skip("an earlier test made an admin")
        token = accounts.issue_setup_token()
        db.session.commit()
    browsers = [(first, second)[i % 2].test_client() for i in range(10)]
    csrf = [browser.csrf_token() for browser in browsers]
    statuses = in_parallel(10, lambda i: browsers[i].post(f"/setup/{token}", data={
        "display_name": f"Admin {i}", "username": f"pg-boss{i}", "password": "longenough1", "confirm": "longenough1",
        "language": "en", "email": "", "csrf_token": csrf[i]}).status_code)
    assert sorted(statuses) == [302] + [404] * 9
    with first.app_context():
        assert db.session.scalar(select(func.count(User.id)).filter_by(role="admin")) == 1


def test_a_learners_profile_saved_from_several_tabs_at_once_is_one_row_on_postgresql(pg_apps):
    from helpers import in_parallel

    from academy.auth.services import create_user
    from academy.programmes import services as programmes
    from academy.programmes.models import LearnerProfile

    first, second = pg_apps
    with first.app_context():
        programmes.set_enabled_profile_fields(["gender", "job_role"])
        learner = create_user("pg-profile", "a long password", "Trần Thị Lan", language="vi")
        db.session.commit()
        learner_id = learner.id
    tabs = [(first, second)[i % 2].test_client() for i in range(6)]
    for tab in tabs:
        assert tab.post("/login", data={"username": "pg-profile", "password": "a long password"}).status_code == 302
    csrf = [tab.csrf_token() for tab in tabs]
    statuses = in_parallel(6, lambda i: tabs[i].post("/account/profile", csrf=False, data={
        "gender": "woman", "job_role": "worker", "csrf_token": csrf[i]}).status_code)
    assert statuses == [302] * 6
    with first.app_context():
        profile = db.session.get(LearnerProfile, learner_id)
        assert (profile.gender, profile.job_role) == ("woman", "worker")


def test_an_organisation_added_twice_at_once_is_added_once_on_postgresql(pg_apps):
    from helpers import in_parallel

    from academy.auth.services import create_user
    from academy.programmes.models import Organisation

    first, second = pg_apps
    with first.app_context():
        create_user("pg-orgadmin", "a long password", "Admin", role="admin")
        db.session.commit()
    browsers = [(first, second)[i % 2].test_client() for i in range(4)]
    for browser in browsers:
        assert browser.post("/login", data={"username": "pg-orgadmin", "password": "a long password"}).status_code == 302
    csrf = [browser.csrf_token() for browser in browsers]
    statuses = in_parallel(4, lambda i: browsers[i].post("/admin/organisations", csrf=False, data={
        "name": "Hải Phòng Footwear", "country": "VN", "sector": "apparel", "parent": "", "csrf_token": csrf[i]}).status_code)
    assert sorted(statuses) == [302] + [422] * 3
    with first.app_context():
        assert db.session.scalar(select(func.count(Organisation.id)).filter_by(name="Hải Phòng Footwear")) == 1
