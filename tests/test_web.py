"""Redirect targets taken from a request lead only to a path on this server,
read the way a browser reads them."""

from __future__ import annotations

import pytest

from academy.web import safe_next

DEFAULT = "/fallback"

# What arrives in request.args after the query string is decoded.
HOSTILE = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "/\t/evil.example",            # /login?next=/%09/evil.example: the browser drops the tab
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/\t\\evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "\x1f/\\evil.example",
    "//evil.example\t",
    "/\x0b/evil.example",          # a control character the browser would keep: refused too
    "https://evil.example/",
    "HTTPS:/\\evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "\u3000//evil.example",
    "",
    None,
]

GOOD = [
    ("/", "/"),
    ("/courses/climate-action-cycling/", "/courses/climate-action-cycling/"),
    ("/my?tab=certificates", "/my?tab=certificates"),
    ("/cohorts/join?code=AB12-CD34", "/cohorts/join?code=AB12-CD34"),
    ("/lang/vi?next=/my", "/lang/vi?next=/my"),
    ("/courses/x/#module-1", "/courses/x/#module-1"),
    ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),  # percent-encoded slashes stay in the path
    (" /my\t", "/my"),
    ("/my\r\n", "/my"),
]


@pytest.mark.parametrize("target", HOSTILE)
def test_a_target_that_could_leave_this_server_gives_the_default(target):
    assert safe_next(target, DEFAULT) == DEFAULT


@pytest.mark.parametrize(("target", "expected"), GOOD)
def test_a_path_on_this_server_is_kept_as_the_browser_would_read_it(target, expected):
    assert safe_next(target, DEFAULT) == expected


def test_an_encoded_tab_in_next_never_sends_the_login_to_another_host(client, make_user, login):
    user = make_user()
    response = client.post("/login?next=/%09/evil.example", data={"username": user.username, "password": "correct horse battery"})
    assert response.status_code == 302 and response.headers["Location"] == "/my"


def test_an_encoded_backslash_in_next_never_sends_the_language_switch_to_another_host(client):
    response = client.get("/lang/vi?next=/%5C%09evil.example")
    assert response.headers["Location"] == "/"


def test_the_language_switch_returns_to_the_page_it_was_chosen_on(client):
    response = client.get("/lang/vi?next=/courses/climate-action-cycling/%3Fx%3D1")
    assert response.headers["Location"] == "/courses/climate-action-cycling/?x=1"


def test_the_session_cookie_is_signed_but_not_compressed(client, make_user, login):
    login(client, make_user("an"))
    value = client.get_cookie("session").value
    assert not value.startswith(".")  # itsdangerous marks a compressed payload with a dot
    assert client.get("/my").status_code == 200


def test_a_compressed_session_cookie_from_before_still_signs_in(app, client, make_user, login):
    from flask.sessions import SecureCookieSessionInterface

    login(client, make_user("binh"))
    session = CookieSessionsReader(app).read(client.get_cookie("session").value)
    compressed = SecureCookieSessionInterface().get_signing_serializer(app).dumps(session)
    assert compressed.startswith(".")
    older = app.test_client()
    older.set_cookie("session", compressed)
    assert older.get("/my").status_code == 200


class CookieSessionsReader:
    def __init__(self, app):
        self.serializer = app.session_interface.get_signing_serializer(app)

    def read(self, value: str) -> dict:
        return self.serializer.loads(value)


def test_a_signed_in_page_with_forms_calls_zlib_not_once_and_its_form_tokens_still_work(
        client, make_user, login, monkeypatch):
    """zlib lets go of the GIL on each call: signing the page's form token
    and reading the session cookie skip it."""
    import re
    import zlib

    import itsdangerous.url_safe

    calls = []

    class CountingZlib:
        def compress(self, data, *args):
            calls.append("compress")
            return zlib.compress(data, *args)

        def decompress(self, data, *args):
            calls.append("decompress")
            return zlib.decompress(data, *args)

    login(client, make_user("chau"))
    client.get("/my")
    monkeypatch.setattr(itsdangerous.url_safe, "zlib", CountingZlib())
    page = client.get("/my").get_data(as_text=True)
    assert calls == []
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": "x" + token}, csrf=False).status_code == 400
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


@pytest.mark.parametrize("app_config", [{}, {"SESSION_COOKIE_NAME": "box-session"}])
def test_a_page_for_someone_signed_in_is_never_kept_by_a_cache_whatever_the_cookie_is_called(client, make_user, login,
                                                                                              app_config):
    assert client.get("/").headers["Cache-Control"] == "private, max-age=0"
    login(client, make_user("hoa"))
    assert client.get("/my").headers["Cache-Control"] == "no-store"
