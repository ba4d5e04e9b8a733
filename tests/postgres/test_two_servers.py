"""Two real `academy serve` processes on one PostgreSQL database serve the
same learner interchangeably: the session cookie works on both (one
ACADEMY_SECRET_KEY), and what is answered on one is progress on the other."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from helpers import CSRF_RE, answers_for, lesson_url
from serving import academy_env, start_server, stop_server
from sqlalchemy import create_engine, text

from academy.content import load_library
from academy.paths import resource

PASSWORD = "a long password"


@pytest.fixture(scope="module")
def two_servers_database(postgres_url):
    """A database of its own for this module, so that it starts empty."""
    psycopg = pytest.importorskip("psycopg")
    host = urllib.parse.parse_qs(urllib.parse.urlsplit(postgres_url).query)["host"][0]
    with psycopg.connect(host=host, user="academy", dbname="academy", autocommit=True) as connection:
        connection.execute("CREATE DATABASE academy_two_servers")
    return postgres_url.replace("/academy?", "/academy_two_servers?")


class Browser:
    """One phone: a cookie jar shared by every server it talks to."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> tuple[str, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, url: str, form: dict, csrf_from: str) -> tuple[str, str]:
        token = CSRF_RE.search(csrf_from)
        assert token, "no CSRF token on the page"
        data = urllib.parse.urlencode({**form, "csrf_token": token.group(1)}, doseq=True).encode()
        with self.opener.open(url, data=data, timeout=30) as response:
            return response.geturl(), response.read().decode()


def academy(data_dir, database_url, *args, input=None):
    return subprocess.run([sys.executable, "-m", "academy", *args], input=input, capture_output=True, text=True,
                          timeout=120, env=academy_env(data_dir, DATABASE_URL=database_url, SECRET_KEY="one-key-for-both"))


def test_two_servers_on_one_postgresql_database_serve_the_same_learner(two_servers_database, tmp_path):
    data = tmp_path / "shared-data"
    refused = academy(data, two_servers_database, "users", "create", "early", "--password-stdin", input=PASSWORD + "\n")
    assert refused.returncode == 1 and "run 'academy db upgrade' first" in refused.stderr
    assert "Traceback" not in refused.stderr
    upgraded = academy(data, two_servers_database, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    created = academy(data, two_servers_database, "users", "create", "linh", "--name", "Nguyễn Thị Linh",
                      "--password-stdin", input=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr

    servers = []
    try:
        for name in ("first", "second"):
            servers.append(start_server(data, "--no-migrate", log=tmp_path / f"{name}.log",
                                        DATABASE_URL=two_servers_database, SECRET_KEY="one-key-for-both"))
        (_, one), (_, two) = servers
        course = load_library(resource("courses")).get("hrdd-essentials")
        phone = Browser()

        _, page = phone.get(one + "/login")
        where, page = phone.post(one + "/login", {"username": "linh", "password": PASSWORD}, csrf_from=page)
        assert "/login" not in where
        where, page = phone.get(two + "/my")  # signed in on the second server with the first one's cookie
        assert where == two + "/my" and "You are not enrolled" in page

        _, page = phone.get(f"{one}/courses/{course.id}")
        where, page = phone.post(f"{two}/courses/{course.id}/enroll", {}, csrf_from=page)
        assert where.startswith(two) and "/courses/" in where

        for step, lesson in enumerate(course.lessons):
            show, act = (one, two) if step % 2 == 0 else (two, one)
            _, page = phone.get(show + lesson_url(course, lesson))
            if lesson.graded:
                attempt = re.search(r'name="attempt" value="([^"]+)"', page).group(1)
                answers = {**answers_for(lesson.text("en")), "attempt": attempt}
                where, result = phone.post(f"{act}{lesson_url(course, lesson)}/answers", answers, csrf_from=page)
                assert "/attempts/" in where, result[:500]
                # The result, written by one server, is read on the other.
                _, again = phone.get(show + urllib.parse.urlsplit(where).path)
                assert "100" in again
            else:
                phone.post(f"{act}{lesson_url(course, lesson)}/done", {}, csrf_from=page)
            _, mine = phone.get(show + "/my")
            assert re.search(rf"\b{step + 1} of {len(course.lessons)} lessons? complete", mine), mine[:2000]

        _, mine = phone.get(two + "/my")
        assert "Course complete" in mine and "/certificates/" in mine
        _, mine = phone.get(one + "/my")
        assert "Course complete" in mine and "/certificates/" in mine
    finally:
        for process, _base in servers:
            stop_server(process)
    assert all(process.returncode is not None for process, _ in servers)

    engine = create_engine(two_servers_database)
    with engine.connect() as connection:
        graded = sum(1 for lesson in course.lessons if lesson.graded)
        assert connection.execute(text("SELECT count(*) FROM attempts")).scalar() == graded
        assert connection.execute(text("SELECT count(*) FROM certificates")).scalar() == 1
    engine.dispose()
