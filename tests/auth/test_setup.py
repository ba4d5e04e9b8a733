"""The one-time setup link, sent many times at once."""

from helpers import in_parallel
from sqlalchemy import func, select

from academy.auth import services as accounts
from academy.auth.models import User
from academy.extensions import db


def test_ten_posts_of_the_setup_link_at_once_make_one_admin_and_no_error(app):
    token = accounts.issue_setup_token()
    db.session.commit()
    browsers = [app.test_client() for _ in range(10)]
    csrf = [browser.csrf_token() for browser in browsers]

    def post(i):
        return browsers[i].post(f"/setup/{token}", data={
            "display_name": f"Admin {i}", "username": f"boss{i}", "password": "longenough1", "confirm": "longenough1",
            "language": "en", "email": "", "csrf_token": csrf[i]}).status_code

    statuses = in_parallel(10, post)
    assert sorted(statuses) == [302] + [404] * 9
    assert db.session.scalar(select(func.count(User.id)).filter_by(role="admin")) == 1


def test_the_same_form_posted_ten_times_at_once_makes_one_admin(app):
    token = accounts.issue_setup_token()
    db.session.commit()
    browsers = [app.test_client() for _ in range(10)]
    csrf = [browser.csrf_token() for browser in browsers]
    statuses = in_parallel(10, lambda i: browsers[i].post(f"/setup/{token}", data={
        "display_name": "Admin", "username": "boss", "password": "longenough1", "confirm": "longenough1",
        "language": "en", "email": "", "csrf_token": csrf[i]}).status_code)
    assert 500 not in statuses and statuses.count(302) == 1
    assert accounts.find_user("boss").role == "admin"


def test_a_refused_account_leaves_the_setup_link_working(client):
    token = accounts.issue_setup_token()
    db.session.commit()
    response = client.post(f"/setup/{token}", data={"display_name": "Admin", "username": "boss", "password": "password1",
                                                     "confirm": "password1", "language": "en", "email": ""})
    assert response.status_code == 422
    assert client.get(f"/setup/{token}").status_code == 200


def test_a_post_to_a_wrong_setup_link_is_not_found(client):
    accounts.issue_setup_token()
    db.session.commit()
    response = client.post("/setup/not-the-token", data={"display_name": "Admin", "username": "boss", "password": "longenough1",
                                                          "confirm": "longenough1", "language": "en", "email": ""})
    assert response.status_code == 404 and accounts.find_user("boss") is None
