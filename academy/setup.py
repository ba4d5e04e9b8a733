"""Bringing a database to the current schema: shared by `academy serve`,
`academy db upgrade` and the test fixtures."""

from __future__ import annotations

from flask_migrate import upgrade


def upgrade_database(app) -> None:
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
