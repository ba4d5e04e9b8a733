"""Sign-ins kept on the server: signing out, a new password, the lifetime and
the staff idle timeout end them, whatever cookie a browser still holds."""

from datetime import timedelta

from flask_login.utils import encode_cookie
from helpers import statements_sent
from sqlalchemy import func, select

from academy.auth import services as accounts
from academy.auth.models import LoginSession
from academy.extensions import db
from academy.timeutil import utcnow

PASSWORD = "correct horse battery"


def session_cookie(browser) -> str:
    return browser.get_cookie("session").value


def browser_with(app, cookie: str, name: str = "session"):
    browser = app.test_client()
    browser.set_cookie(name, cookie)
    return browser


def signed_in(response) -> bool:
    return response.status_code == 200


def sessions_of(user) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginSession).filter_by(user_id=user.id)))


def age(user, **delta) -> None:
    """Move every sign-in of ``user`` back in time."""
    for row in sessions_of(user):
        row.created_dt -= timedelta(**delta)
        row.last_seen_dt -= timedelta(**delta)
    db.session.commit()


def test_a_cookie_copied_before_signing_out_is_useless_afterwards(app, client, make_user, login):
    login(client, make_user("an"))
    copy = browser_with(app, session_cookie(client))
    assert signed_in(copy.get("/my"))
    client.post("/logout")
    assert copy.get("/my").status_code == 302


def test_signing_out_ends_the_sign_in_on_the_server(client, make_user, login):
    user = make_user("binh")
    login(client, user)
    client.post("/logout")
    assert [row.ended_dt is not None for row in sessions_of(user)] == [True]


def test_the_cookie_carries_a_random_id_not_the_account(client, make_user, login):
    user = make_user("chau")
    login(client, user)
    (row,) = sessions_of(user)
    assert len(row.id) == 43  # 32 random bytes, URL-safe
    assert client.get("/my").status_code == 200


def test_each_device_has_its_own_sign_in(app, make_user, login):
    user = make_user("dao")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    laptop.post("/logout")
    assert signed_in(phone.get("/my"))
    assert len(sessions_of(user)) == 2


def test_a_sign_in_ends_after_its_lifetime_however_active(app, client, make_user, login):
    user = make_user("en")
    login(client, user)
    age(user, days=app.config["SESSION_LIFETIME_DAYS"], minutes=1)
    assert client.get("/my").status_code == 302


def test_a_learner_is_not_signed_out_for_being_idle(app, client, make_user, login):
    user = make_user("giao")
    login(client, user)
    age(user, hours=app.config["STAFF_IDLE_HOURS"] + 1)
    assert signed_in(client.get("/my"))


def test_a_tutor_idle_for_the_staff_idle_time_is_signed_out(app, client, make_user, login):
    tutor = make_user("hanh", role="tutor")
    login(client, tutor)
    age(tutor, hours=app.config["STAFF_IDLE_HOURS"], minutes=1)
    assert client.get("/my").status_code == 302


def test_a_programme_officer_idle_for_the_staff_idle_time_is_signed_out(app, client, make_user, login):
    """An officer reads every organisation's report: a sign-in left open on
    an office computer ends like staff's."""
    officer = make_user("huong", role="officer")
    login(client, officer)
    age(officer, hours=app.config["STAFF_IDLE_HOURS"], minutes=1)
    assert client.get("/reports").status_code == 302


def test_a_tutor_who_keeps_working_stays_signed_in(app, client, make_user, login):
    tutor = make_user("hieu", role="tutor")
    login(client, tutor)
    age(tutor, hours=app.config["STAFF_IDLE_HOURS"] - 1)
    assert signed_in(client.get("/my"))  # notes the time
    age(tutor, hours=2)
    assert signed_in(client.get("/my"))


def updates_of_login_sessions(work) -> int:
    """How many UPDATE statements on login_sessions ``work()`` sends."""
    return sum(statement.lstrip().upper().startswith("UPDATE LOGIN_SESSIONS") for statement in statements_sent(work))


def test_reading_pages_writes_the_last_seen_time_only_every_few_minutes(client, make_user, login):
    user = make_user("khoa")
    login(client, user)
    assert updates_of_login_sessions(lambda: [client.get("/account") for _ in range(3)]) == 0
    age(user, minutes=6)
    assert updates_of_login_sessions(lambda: [client.get("/account") for _ in range(3)]) == 1
    assert utcnow() - sessions_of(user)[0].last_seen_dt < timedelta(minutes=1)


def test_a_password_reset_ends_every_sign_in_of_the_learner(app, make_user, login, course):
    from academy.cohorts import services as cohorts

    learner, tutor = make_user("lam"), make_user("tutor-lam", role="tutor")
    cohort = cohorts.create_cohort(course, "Line 4", "en", utcnow().date(), utcnow().date(), [tutor])
    cohorts.join_cohort(learner, cohort, course)
    phone, office = app.test_client(), app.test_client()
    login(phone, learner)
    login(office, tutor)
    assert office.post(f"/admin/users/{learner.id}/reset-password").status_code == 200
    assert phone.get("/my").status_code == 302


def test_a_remember_me_cookie_of_an_ended_sign_in_signs_in_no_one(app, client, make_user, login):
    user = make_user("mai")
    login(client, user)
    (row,) = sessions_of(user)
    remember = encode_cookie(row.id)
    assert signed_in(browser_with(app, remember, "remember_token").get("/my"))
    client.post("/logout")
    assert browser_with(app, remember, "remember_token").get("/my").status_code == 302


def test_a_made_up_session_id_signs_in_no_one(app, client, make_user, login):
    user = make_user("nam")
    login(client, user)
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(user.id)
    assert client.get("/my").status_code == 302


def test_ended_and_expired_sign_ins_are_forgotten_at_the_next_sign_in(app, make_user, login):
    old, ended, now = make_user("oanh"), make_user("phuc"), make_user("quang")
    login(app.test_client(), old)
    age(old, days=app.config["SESSION_LIFETIME_DAYS"] + 1)
    browser = app.test_client()
    login(browser, ended)
    browser.post("/logout")
    login(app.test_client(), now)
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1


def test_registering_signs_in_with_a_server_side_session(client):
    client.post("/register", data={"display_name": "Rin", "username": "rin", "password": "longenough1",
                                   "confirm": "longenough1", "language": "en", "email": ""})
    assert signed_in(client.get("/my"))
    assert len(sessions_of(accounts.find_user("rin"))) == 1


def test_the_setup_link_signs_the_admin_in_with_a_server_side_session(client):
    token = accounts.issue_setup_token()
    db.session.commit()
    client.post(f"/setup/{token}", data={"display_name": "Boss", "username": "boss", "password": "longenough1",
                                         "confirm": "longenough1", "language": "en", "email": ""})
    assert signed_in(client.get("/admin/users"))
    assert len(sessions_of(accounts.find_user("boss"))) == 1


def test_reading_a_page_from_another_address_or_browser_leaves_the_session_cookie_as_it_was(client, make_user, login):
    login(client, make_user("sang"))
    client.get("/my")  # the first page after signing in adds the form token to the cookie
    response = client.get("/my", headers={"User-Agent": "another browser"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
