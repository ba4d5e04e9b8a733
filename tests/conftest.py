"""Shared fixtures: a real SQLite database migrated by Alembic, the shipped
courses, factory fixtures for people, and a client that fills in CSRF tokens."""

from __future__ import annotations

import shutil

import pytest
from helpers import CsrfClient

from academy import create_app
from academy.auth import services as accounts
from academy.extensions import db
from academy.setup import upgrade_database

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt costs ~0.1 s a hash by design; tests make hundreds."""
    monkeypatch.setattr(accounts, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory):
    """One database brought to the current schema by the real migrations;
    each test gets a copy of it."""
    data_dir = tmp_path_factory.mktemp("template-data")
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "template"})
    upgrade_database(app)
    with app.app_context():
        db.engine.dispose()
    return data_dir / "academy.sqlite3"


@pytest.fixture(scope="session")
def shipped_library():
    """The shipped courses, parsed once for the session (see helpers.FixedLibrary)."""
    from academy.content import load_library
    from academy.i18n import LANGUAGES
    from academy.paths import resource

    courses = resource("courses").resolve()
    return load_library(courses, tuple(LANGUAGES), root=courses.parent)


@pytest.fixture
def app_config():
    """Per-test overrides; a test module can override this fixture."""
    return {}


@pytest.fixture
def app(tmp_path, migrated_db, app_config):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "academy.sqlite3")
    # NORMAL: the tests commit thousands of times and need no protection
    # from a power cut; tests/test_app.py checks the box's default is FULL.
    config = {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "test-secret", "SQLITE_SYNCHRONOUS": "NORMAL",
              **app_config}
    app = create_app(config)
    app.test_client_class = CsrfClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(username: str | None = None, role: str = "learner", display_name: str = "", language: str = "en",
             password: str = PASSWORD, **kwargs):
        username = username or f"{role}{next(counter)}"
        user = accounts.create_user(username, password, display_name or username.title(), role=role,
                                    language=language, **kwargs)
        db.session.commit()  # a finished step, as the view or command that creates an account ends
        return user

    return make


@pytest.fixture
def login():
    def sign_in(client, user, password: str = PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return sign_in


@pytest.fixture
def library(app):
    from academy.library import get_library

    return get_library()


@pytest.fixture
def course(library):
    """A shipped course with all six question types."""
    return library.get("climate-action-cycling")


@pytest.fixture
def admin(make_user):
    return make_user("boss", role="admin", display_name="Admin")


@pytest.fixture
def tutor(make_user):
    return make_user("tutor-ana", role="tutor", display_name="Ana Tutor")
