"""Passwords: long enough, not one of the most common, and the current one is
asked for before a new one is set."""

import pytest

from academy.auth import services as accounts

PASSWORD = "correct horse battery"


def register(client, password):
    return client.post("/register", data={"display_name": "Tâm", "username": "tam", "password": password,
                                           "confirm": password, "language": "en", "email": ""})


def test_the_shipped_list_has_about_a_thousand_passwords_of_eight_or_more_characters():
    common = accounts.common_passwords()
    assert 900 <= len(common) <= 1100
    assert all(len(password) >= 8 for password in common)
    assert accounts.COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").startswith("# ")  # where the list comes from


@pytest.mark.parametrize("password", ["password1", "Password1", "QWERTYUIOP", "iloveyou"])
def test_a_common_password_is_refused_whatever_its_case(password):
    with pytest.raises(accounts.AccountError) as refused:
        accounts.check_password_strength(password)
    assert refused.value.code == "password-too-common"


def test_a_password_of_a_few_plain_words_is_fine():
    accounts.check_password_strength("blue bicycle river")


def test_registering_with_a_common_password_says_why(client):
    response = register(client, "Password123")
    assert response.status_code == 422
    assert "most common" in response.get_data(as_text=True)
    assert accounts.find_user("tam") is None


def test_the_reason_is_in_the_readers_language(client):
    client.get("/?lang=vi")
    response = client.post("/register", data={"display_name": "Tâm", "username": "tam", "password": "Password123",
                                               "confirm": "Password123", "language": "vi", "email": ""},
                           headers={"Accept-Language": "vi"})
    assert "phổ biến" in response.get_data(as_text=True)


def test_the_cli_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "admin2", "--role", "admin"], input="qwerty123\n")
    assert result.exit_code == 1 and "most common" in result.output


def test_a_temporary_password_is_never_a_common_one():
    assert all(accounts.make_temporary_password().casefold() not in accounts.common_passwords() for _ in range(200))


def test_changing_the_password_asks_for_the_current_one(client, make_user, login):
    login(client, make_user("uyen"))
    assert 'name="current"' in client.get("/account/password").get_data(as_text=True)


def test_without_the_current_password_nothing_changes(client, make_user, login):
    user = make_user("van")
    login(client, user)
    response = client.post("/account/password", data={"password": "a brand new one", "confirm": "a brand new one"})
    assert response.status_code == 422
    assert accounts.authenticate("van", PASSWORD, None).id == user.id


def test_a_wrong_current_password_changes_nothing(client, make_user, login):
    user = make_user("xuan")
    login(client, user)
    response = client.post("/account/password", data={"current": "not it at all", "password": "a brand new one",
                                                       "confirm": "a brand new one"})
    assert response.status_code == 422 and "current password is not right" in response.get_data(as_text=True)
    assert accounts.authenticate("xuan", PASSWORD, None).id == user.id


def test_with_the_current_password_the_new_one_is_saved(client, make_user, login):
    user = make_user("yen")
    login(client, user)
    response = client.post("/account/password", data={"current": PASSWORD, "password": "a brand new one",
                                                       "confirm": "a brand new one"})
    assert response.status_code == 302
    assert accounts.authenticate("yen", "a brand new one", None).id == user.id


def test_replacing_a_temporary_password_does_not_ask_for_it(client, make_user, login):
    user = make_user("an-temp")
    temporary = accounts.reset_password(user)
    login(client, user, temporary)
    assert 'name="current"' not in client.get("/account/password").get_data(as_text=True)
    response = client.post("/account/password", data={"password": "my own password", "confirm": "my own password"})
    assert response.status_code == 302
