"""Bringing a database to the current schema: shared by `academy serve`,
`academy db upgrade`, the commands that need the database, and the test
fixtures. Before a migration changes a SQLite database that holds data, a
backup of it is taken (``DATA_DIR/backups/academy-...-before-upgrade.tar.gz``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect

from .extensions import db
from .ops import backups


class NewerSchema(Exception):
    """The database was made by a newer version of Academy."""

    def __init__(self, revisions):
        super().__init__(f"the database was made by a newer version of Academy (schema {', '.join(revisions)}): "
                         "install that version or a newer one")


class UpgradeFailed(Exception):
    """A migration failed; ``backup`` is the copy taken before it, if any."""

    def __init__(self, cause: Exception, backup: Path | None):
        first = (str(getattr(cause, "orig", None) or cause).strip().splitlines() or [type(cause).__name__])[0]
        super().__init__(first + (f" (the database as it was before is in {backup})" if backup else ""))
        self.cause, self.backup = cause, backup


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against this version's migrations."""

    current: tuple[str, ...]  # the revisions recorded in alembic_version (empty: none)
    heads: tuple[str, ...]  # this version's newest revisions
    known: bool  # every recorded revision is one of this version's migrations
    empty: bool  # the database has no table at all (a fresh data folder)

    @property
    def is_current(self) -> bool:
        return set(self.current) == set(self.heads)

    @property
    def is_newer(self) -> bool:
        """Made by a newer version of Academy: a revision this one does not know."""
        return bool(self.current) and not self.known


def migration_scripts(app) -> ScriptDirectory:
    return ScriptDirectory(app.extensions["migrate"].directory)


def known_revisions(app) -> set[str]:
    return {script.revision for script in migration_scripts(app).walk_revisions()}


def schema_state(app) -> SchemaState:
    """Reads the database without changing it (no table is created)."""
    scripts = migration_scripts(app)
    known = {script.revision for script in scripts.walk_revisions()}
    with app.app_context(), db.engine.connect() as connection:
        current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
        empty = not inspect(connection).get_table_names()
    return SchemaState(current=current, heads=tuple(sorted(scripts.get_heads())),
                       known=set(current) <= known, empty=empty)


def upgrade_database(app) -> Path | None:
    """Migrate the database to this version's schema. On SQLite, a database
    that holds data and is behind is backed up first; the backup's path is
    returned (None when nothing needed one)."""
    backup = None
    with app.app_context():
        state = schema_state(app)
        if state.is_newer:
            raise NewerSchema(state.current)
        if db.engine.dialect.name == "sqlite" and not state.is_current and not state.empty:
            backup = backups.create_backup(app, backups.backup_dir(app), suffix="before-upgrade")
        try:
            upgrade(directory=app.extensions["migrate"].directory)
        except Exception as exc:  # whatever a migration raises, say which backup holds the data
            raise UpgradeFailed(exc, backup) from exc
    return backup
