"""Accounts without email, the sign-in throttle, resets, setup and deletion."""

import json

import pytest
from sqlalchemy import func, select

from academy.auth import services as accounts
from academy.auth.models import User
from academy.extensions import db
from academy.learn.models import Enrollment
from academy.settings import set_setting


def register(client, **fields):
    data = {"display_name": "Nguyễn Văn An", "username": "an", "password": "longenough1",
            "confirm": "longenough1", "language": "vi", "email": ""}
    data.update(fields)
    return client.post("/register", data=data)


def test_a_learner_registers_without_an_email(client):
    response = register(client)
    assert response.status_code == 302
    user = accounts.find_user("an")
    assert user.email is None and user.display_name == "Nguyễn Văn An" and user.language == "vi"


def test_the_interface_follows_the_learner_language_after_sign_in(client, make_user, login):
    login(client, make_user("layla", language="ar", display_name="ليلى"))
    page = client.get("/my").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_usernames_are_unique_whatever_the_case(client, make_user):
    make_user("An")
    response = register(client, username="AN")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_a_display_name_in_any_script_is_kept(make_user):
    for name in ("王梓萱", "محمد عبد الله", "Trần Thị Thu Hà"):
        assert make_user(display_name=name).display_name == name


def test_passwords_are_stored_hashed(make_user):
    user = make_user(password="correct horse battery")
    assert "correct horse" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_a_wrong_password_is_refused_in_the_learner_language(client, make_user):
    make_user("binh")
    response = client.post("/login", data={"username": "binh", "password": "wrong password"},
                           headers={"Accept-Language": "vi"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True) or 'lang="vi"' in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_for_a_while(client, make_user, app):
    make_user("chi")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "chi", "password": "wrong password"})
    response = client.post("/login", data={"username": "chi", "password": "correct horse battery"})
    assert response.status_code == 429
    assert "wait" in response.get_data(as_text=True)


def test_the_lock_ends_after_the_lock_time(make_user, app):
    from datetime import timedelta

    from academy.timeutil import utcnow

    make_user("dung")
    start = utcnow()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        with pytest.raises(accounts.AccountError):
            accounts.authenticate("dung", "bad password", "10.0.0.9", now=start)
    with pytest.raises(accounts.AccountError) as locked:
        accounts.authenticate("dung", "correct horse battery", "10.0.0.9", now=start)
    assert locked.value.code == "locked"
    later = start + timedelta(seconds=app.config["LOGIN_LOCK_SECONDS"] + 1)
    assert accounts.authenticate("dung", "correct horse battery", "10.0.0.9", now=later).username == "dung"


def test_a_reset_password_must_be_changed_at_next_sign_in(client, make_user, login):
    user = make_user("em")
    temporary = accounts.reset_password(user)
    login(client, user, password=temporary)
    response = client.get("/my")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    client.post("/account/password", data={"password": "a new password", "confirm": "a new password"})
    assert client.get("/my").status_code == 200


def test_changing_the_password_ends_other_sessions(app, make_user, login):
    user = make_user("giang")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    laptop.post("/account/password", data={"current": "correct horse battery", "password": "another password",
                                           "confirm": "another password"})
    assert laptop.get("/my").status_code == 200
    assert phone.get("/my").status_code == 302


def test_session_cookies_are_httponly_and_samesite(client, make_user):
    make_user("hai")
    response = client.post("/login", data={"username": "hai", "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_form_without_its_csrf_token_is_refused(client, make_user):
    make_user("khanh")
    response = client.post("/login", data={"username": "khanh", "password": "correct horse battery"}, csrf=False)
    assert response.status_code == 400


def test_self_registration_can_be_switched_off(client):
    set_setting("self_registration", "off")
    assert client.get("/register").status_code == 404
    assert register(client).status_code == 404


def test_the_setup_link_creates_the_first_admin_once(client):
    token = accounts.issue_setup_token()
    response = client.post(f"/setup/{token}", data={"display_name": "Admin", "username": "boss", "password": "longenough1",
                                                     "confirm": "longenough1", "language": "en", "email": ""})
    assert response.status_code == 302
    assert accounts.find_user("boss").role == "admin"
    assert client.get(f"/setup/{token}").status_code == 404
    assert accounts.issue_setup_token() is None


def test_a_wrong_setup_token_is_not_found(client):
    accounts.issue_setup_token()
    assert client.get("/setup/not-the-token").status_code == 404


def test_a_tutor_creates_a_learner_who_must_choose_a_password(client, make_user, login):
    login(client, make_user("teacher", role="tutor"))
    page = client.post("/admin/users", data={"display_name": "李明", "username": "liming", "language": "zh", "role": "learner"}).get_data(as_text=True)
    user = accounts.find_user("liming")
    assert user.must_change_password and user.role == "learner"
    assert "liming" in page


def test_a_tutor_cannot_create_an_admin(client, make_user, login):
    login(client, make_user("teacher2", role="tutor"))
    client.post("/admin/users", data={"display_name": "X", "username": "sneaky", "language": "en", "role": "admin"})
    assert accounts.find_user("sneaky") is None


def test_an_admin_deletes_a_learner_with_all_their_records(client, make_user, login, course):
    learner = make_user("tuan")
    from academy.learn.services import enroll

    enroll(learner, course)
    login(client, make_user("root", role="admin"))
    client.post(f"/admin/users/{learner.id}/delete")
    assert accounts.find_user("tuan") is None
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0


def test_the_cli_creates_a_user_with_a_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "cli-admin", "--role", "admin", "--name", "Quản trị"],
                           input="a long password\n")
    assert result.exit_code == 0, result.output
    assert accounts.find_user("cli-admin").display_name == "Quản trị"


def test_the_cli_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "shorty"], input="short\n")
    assert result.exit_code != 0 and "8 characters" in result.output


def test_a_learner_downloads_their_own_data_as_json(client, make_user, login):
    login(client, make_user("yen", display_name="Yến"))
    response = client.get("/account/export.json")
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data(as_text=True))["account"]["username"] == "yen"


def test_the_data_download_lists_sign_ins_without_their_ids(client, make_user, login):
    from academy.auth.models import LoginSession

    user = make_user("zung")
    login(client, user)
    data = json.loads(client.get("/account/export.json").get_data(as_text=True))
    (session_id,) = db.session.scalars(select(LoginSession.id).filter_by(user_id=user.id))
    assert len(data["sign_ins"]) == 1 and data["sign_ins"][0]["ended"] is None
    assert session_id not in json.dumps(data)


def test_deleting_a_tutor_leaves_the_accounts_they_made_without_a_maker(client, make_user, login):
    tutor = make_user("maker", role="tutor")
    made = make_user("made", created_by=tutor)
    login(client, make_user("root2", role="admin"))
    client.post(f"/admin/users/{tutor.id}/delete")
    db.session.refresh(made)
    assert accounts.find_user("maker") is None and made.created_by_id is None
