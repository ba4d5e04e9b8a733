"""Display names are shown to tutors, on certificates and on printed slips:
control characters and bidirectional overrides are taken out wherever a name
is set."""

import pytest

from academy.auth import services as accounts
from academy.extensions import db

# U+202E turns the rest of a line around; U+2066..U+2069 isolate; U+200F is a
# right-to-left mark; BEL and a line break do not belong in a name either.
HOSTILE = "\u202eLê\u2066 Thị\u2069\u200f\nHoa\x07\u202c"
CLEAN = "Lê Thị Hoa"


@pytest.mark.parametrize(("raw", "clean"), [
    (HOSTILE, CLEAN),
    ("  Nguyễn\tVăn   An ", "Nguyễn Văn An"),
    ("Ann\u200b\u200bie", "Annie"),  # zero-width spaces: two names that look the same
    ("\u202a\u202b\u202d\u2067\u2068\u200e\u061c", ""),
    ("王梓萱", "王梓萱"),
    ("محمد عبد الله", "محمد عبد الله"),
    ("علی\u200cرضا", "علی\u200cرضا"),  # the zero-width non-joiner shapes Persian: kept
    ("Nguye\u0302\u0303n", "Nguyễn"),  # NFC
])
def test_a_name_is_cleaned_the_same_way_everywhere(raw, clean):
    assert accounts.clean_display_name(raw) == clean


def test_registering_cleans_the_name(client):
    client.post("/register", data={"display_name": HOSTILE, "username": "hoa", "password": "longenough1",
                                   "confirm": "longenough1", "language": "vi", "email": ""})
    assert accounts.find_user("hoa").display_name == CLEAN


def test_the_setup_link_cleans_the_name(client):
    token = accounts.issue_setup_token()
    db.session.commit()
    client.post(f"/setup/{token}", data={"display_name": HOSTILE, "username": "boss", "password": "longenough1",
                                         "confirm": "longenough1", "language": "en", "email": ""})
    assert accounts.find_user("boss").display_name == CLEAN


def test_the_account_page_cleans_the_name(client, make_user, login):
    user = make_user("hoa2")
    login(client, user)
    client.post("/account", data={"display_name": HOSTILE, "language": "vi", "email": ""})
    db.session.refresh(user)
    assert user.display_name == CLEAN


def test_the_account_page_refuses_a_name_of_invisible_characters_only(client, make_user, login):
    user = make_user("hoa3", display_name="Hoa Ba")
    login(client, user)
    response = client.post("/account", data={"display_name": "\u202e\u2066\x07", "language": "vi", "email": ""})
    assert response.status_code == 422 and "Please give your name" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.display_name == "Hoa Ba"


def test_a_tutor_creating_an_account_gets_a_clean_name(client, make_user, login):
    login(client, make_user("teacher", role="tutor"))
    client.post("/admin/users", data={"display_name": HOSTILE, "username": "hoa4", "language": "vi", "role": "learner"})
    assert accounts.find_user("hoa4").display_name == CLEAN


def test_the_shell_cleans_the_name(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "hoa5", "--name", HOSTILE], input="a long password\n")
    assert result.exit_code == 0, result.output
    assert accounts.find_user("hoa5").display_name == CLEAN
