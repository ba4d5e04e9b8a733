"""Boxes and hubs side by side: each its own data folder and database (a
copy of the migrated one, or PostgreSQL), the shipped courses read once.
Helpers for learners who really learn are in tests/sync_helpers.py."""

from __future__ import annotations

import shutil

import pytest
from helpers import CsrfClient, FixedLibrary

from academy import create_app
from academy.extensions import db


@pytest.fixture
def make_academy(tmp_path, migrated_db, shipped_library):
    """An Academy of its own: ``make_academy("saigon")`` or
    ``make_academy("hub", role="hub")``."""
    made = []

    def make(name: str, role: str = "box", database_url: str | None = None):
        data_dir = tmp_path / name
        data_dir.mkdir()
        config = {"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": f"{name}-secret", "ROLE": role,
                  "SQLITE_SYNCHRONOUS": "NORMAL"}
        if database_url:
            config["DATABASE_URL"] = database_url
        else:
            shutil.copy(migrated_db, data_dir / "academy.sqlite3")
        app = create_app(config)
        app.test_client_class = CsrfClient
        app.extensions["academy.library"] = FixedLibrary(shipped_library)
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
