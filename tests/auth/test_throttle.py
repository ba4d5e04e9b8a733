"""The sign-in throttle: atomic counts, bounded keys, old rows forgotten, and
how an administrator lifts a lock."""

import re
from datetime import timedelta

import pytest
from helpers import in_parallel
from sqlalchemy import select

from academy.auth import services as accounts
from academy.auth.models import LoginFailure
from academy.extensions import db
from academy.timeutil import utcnow

PASSWORD = "correct horse battery"


def failure_rows() -> list[LoginFailure]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginFailure)))


def account_row() -> LoginFailure:
    return next(row for row in failure_rows() if row.key.startswith("user:"))


def fail(username, address="10.0.0.9", now=None, times=1):
    for _ in range(times):
        with pytest.raises(accounts.AccountError):
            accounts.authenticate(username, "wrong password", address, now=now)
    db.session.commit()


def test_twenty_parallel_wrong_guesses_are_counted_exactly_and_only_five_are_tried(app, make_user):
    make_user("lan")
    browsers = [app.test_client() for _ in range(20)]
    tokens = [browser.csrf_token() for browser in browsers]

    def guess(i):
        return browsers[i].post("/login", data={"username": "lan", "password": f"guess number {i}",
                                                "csrf_token": tokens[i]}).status_code

    statuses = in_parallel(20, guess)
    assert sorted(statuses) == [401] * 5 + [429] * 15
    assert account_row().count == 20


def test_after_parallel_guesses_the_right_password_waits_too(app, make_user, client):
    make_user("minh")
    browsers = [app.test_client() for _ in range(8)]
    tokens = [browser.csrf_token() for browser in browsers]
    in_parallel(8, lambda i: browsers[i].post("/login", data={"username": "minh", "password": "nope nope",
                                                              "csrf_token": tokens[i]}))
    assert client.post("/login", data={"username": "minh", "password": PASSWORD}).status_code == 429


def test_a_failure_key_has_a_fixed_length_and_does_not_keep_what_was_typed(app):
    fail("x" * 5000 + "secret-typo")
    keys = [row.key for row in failure_rows()]
    assert len(keys) == 2 and all(len(key) <= 50 for key in keys)
    assert not any("secret" in key or "10.0.0.9" in key for key in keys)


def test_old_failures_are_forgotten_at_the_next_sign_in(app, make_user):
    start = utcnow()
    fail("somebody", address="10.0.0.1", now=start)
    make_user("later")
    accounts.authenticate("later", PASSWORD, "10.0.0.2", now=start + timedelta(seconds=app.config["LOGIN_LOCK_SECONDS"] + 1))
    db.session.commit()
    assert failure_rows() == []


def test_pruning_keeps_a_lock_that_has_not_ended(app, make_user):
    start = utcnow()
    make_user("nga")
    fail("nga", now=start, times=5)
    fail("someone-else", address="10.0.0.4", now=start + timedelta(seconds=200))
    assert accounts.is_locked("nga", now=start + timedelta(seconds=200))


def test_a_whole_factory_behind_one_address_can_sign_in(app, make_user):
    people = [make_user(f"worker{i}") for i in range(25)]
    for person in people:
        assert accounts.authenticate(person.username, PASSWORD, "192.0.2.50").id == person.id
        db.session.commit()


def test_a_success_gives_the_address_its_try_back(app, make_user):
    make_user("oanh")
    fail("nobody-1", address="192.0.2.60", times=3)
    accounts.authenticate("oanh", PASSWORD, "192.0.2.60")
    db.session.commit()
    address_row = next(row for row in failure_rows() if row.key.startswith("addr:"))
    assert address_row.count == 3


def test_the_address_is_locked_after_four_times_the_account_limit(app):
    for i in range(4):
        fail(f"guess-{i}", address="192.0.2.70", times=5)
    with pytest.raises(accounts.AccountError) as locked:
        accounts.authenticate("yet-another", "whatever", "192.0.2.70")
    assert locked.value.code == "locked"


def test_the_cli_unlocks_an_account(app, make_user):
    make_user("phuong")
    fail("phuong", times=5)
    result = app.test_cli_runner().invoke(args=["users", "unlock", "Phuong"])
    assert result.exit_code == 0 and "unlocked phuong" in result.output
    assert accounts.authenticate("phuong", PASSWORD, "10.0.0.9").username == "phuong"


def test_the_cli_says_when_there_is_no_such_account(app):
    result = app.test_cli_runner().invoke(args=["users", "unlock", "ghost"])
    assert result.exit_code == 1 and "no account 'ghost'" in result.output


def test_a_password_reset_lifts_the_lock(app, make_user, client, login):
    learner = make_user("quynh")
    fail("quynh", address="127.0.0.1", times=5)
    login(client, make_user("admin-q", role="admin"))
    page = client.post(f"/admin/users/{learner.id}/reset-password").get_data(as_text=True)
    temporary = re.search(r"<code>([A-Z0-9]{10})</code>", page).group(1)
    assert not accounts.is_locked("quynh")
    assert accounts.authenticate("quynh", temporary, "10.0.0.9").username == "quynh"


def test_wrong_current_passwords_count_towards_the_lock(app, make_user, client, login):
    login(client, make_user("sang"))
    for _ in range(5):
        client.post("/account/password", data={"current": "not my password", "password": "a brand new one",
                                                "confirm": "a brand new one"})
    response = client.post("/account/password", data={"current": PASSWORD, "password": "a brand new one",
                                                       "confirm": "a brand new one"})
    assert response.status_code == 422 and "wait" in response.get_data(as_text=True)
    assert accounts.is_locked("sang")
