"""A request log and an application log that rotate, and keep secrets out."""

from __future__ import annotations

import logging

import pytest

from academy import create_app
from academy.ops.logs import redact_path


@pytest.fixture
def app_config(tmp_path):
    return {"LOG_DIR": str(tmp_path / "logs")}


def access_lines(app) -> list[str]:
    path = app.config["DATA_DIR"].parent / "logs" / "access.log"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_each_request_is_one_line_in_the_access_log(app, client):
    client.get("/", headers={"User-Agent": "PhoneBrowser/1.0"})
    client.get("/no-such-page")
    lines = access_lines(app)
    assert len(lines) == 2
    assert '"GET / HTTP/1.1" 200 ' in lines[0] and '"PhoneBrowser/1.0"' in lines[0]
    assert '"GET /no-such-page HTTP/1.1" 404 ' in lines[1]
    assert lines[0].split()[2] == "127.0.0.1"


def test_the_access_log_holds_no_token_payload_code_or_cookie(app, client, make_user, login):
    login(client, make_user("worker"))
    client.get("/verify?p=AC1.payload.signature&lang=vi")
    client.get("/join?code=ABCD-2345&token=s3cret&next=/my")
    client.get("/setup/one-time-admin-token")
    client.get("/verify/K7QW2MZP")
    log = "\n".join(access_lines(app))
    for secret in ("AC1.payload", "ABCD-2345", "s3cret", "one-time-admin-token", "K7QW2MZP", "session="):
        assert secret not in log
    assert "/verify?p=[hidden]&lang=vi" in log and "/join?code=[hidden]&token=[hidden]&next=/my" in log
    assert "/setup/[hidden]" in log and "/verify/[hidden]" in log


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("/courses/x", "lang=vi", "/courses/x?lang=vi"),
    ("/verify", "p=AC1.x.y", "/verify?p=[hidden]"),
    ("/a", "reset_token=1&Code=2&pw=3&api%5Fkey=4", "/a?reset_token=[hidden]&Code=[hidden]&pw=3&api%5Fkey=[hidden]"),
    ("/a", "flag&x=1", "/a?flag&x=1"),
])
def test_secrets_are_hidden_in_paths_and_query_strings(path, query, expected):
    assert redact_path(path, query) == expected


def test_the_access_log_rotates_and_keeps_the_configured_number_of_files(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "x", "TESTING": True,
                      "LOG_MAX_BYTES": 2000, "LOG_BACKUPS": 2})
    client = app.test_client()
    for number in range(60):
        client.get(f"/static/does-not-exist-{number}.css")
    logs = tmp_path / "data" / "logs"
    assert sorted(path.name for path in logs.glob("access.log*")) == ["access.log", "access.log.1", "access.log.2"]
    assert all(path.stat().st_size <= 2000 for path in logs.glob("access.log*"))
    assert "does-not-exist-59.css" in (logs / "access.log").read_text()


def test_warnings_and_errors_go_to_the_application_log_which_rotates(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "x", "TESTING": True,
                      "LOG_MAX_BYTES": 1000, "LOG_BACKUPS": 3})
    app.logger.info("routine detail")
    app.logger.error("course %s has errors and is not served", "broken-course")
    log = (tmp_path / "logs" / "academy.log").read_text()
    assert "ERROR academy: course broken-course has errors and is not served" in log
    assert "routine detail" not in log
    logging.getLogger("waitress").warning("Task queue depth is 5")
    assert "WARNING waitress: Task queue depth is 5" in (tmp_path / "logs" / "academy.log").read_text()
    for number in range(100):
        app.logger.warning("warning number %d", number)
    assert sorted(path.name for path in (tmp_path / "logs").glob("academy.log*")) == [
        "academy.log", "academy.log.1", "academy.log.2", "academy.log.3"]


def test_an_error_in_a_view_is_logged_with_its_traceback(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})

    @app.get("/broken")
    def broken():
        raise RuntimeError("the printer caught fire")

    assert app.test_client().get("/broken").status_code == 500
    log = (tmp_path / "logs" / "academy.log").read_text()
    assert "RuntimeError: the printer caught fire" in log
    assert '"GET /broken HTTP/1.1" 500' in (tmp_path / "logs" / "access.log").read_text()


def test_the_log_files_can_be_turned_off(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "x", "LOG_TO_FILES": False})
    app.test_client().get("/")
    assert not (tmp_path / "logs").exists()
