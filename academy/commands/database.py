"""Commands that need the database bring its schema up to date first.

SQLite (one box, one process): the command upgrades the schema itself, as
`academy serve` does, so that `academy users create admin --role admin` works
on a fresh data folder before the server has ever run. A database that holds
data is backed up before a migration changes it. The one exception: while an
older `academy serve` still runs on this data folder (the admin installed the
new version but has not restarted it), the command refuses rather than change
the schema under the running server.

PostgreSQL (perhaps several app processes): migrating is a step the admin
takes once, on purpose; a command refuses with one line that says to run
`academy db upgrade` when the schema is not current.

Use ``@needs_database`` under ``@with_appcontext``.
"""

from __future__ import annotations

from functools import wraps

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..ops.backups import BackupRefused, backup_dir, sqlite_path
from ..ops.files import give_to_data_dir_owner
from ..ops.running import server_running
from ..setup import NewerSchema, UpgradeFailed, schema_state, upgrade_database


def _first_line(exc: Exception) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def ensure_schema(app, migrate: bool = True) -> None:
    """Make sure the schema is current (upgrading SQLite when ``migrate``);
    otherwise stop the command with one clear line."""
    try:
        state = schema_state(app)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database cannot be opened: {_first_line(exc)}") from None
    if state.is_current:
        return
    if state.is_newer:
        raise click.ClickException(str(NewerSchema(state.current)))
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    if not sqlite or not migrate:
        what = "has no tables yet" if state.empty else "is older than this version of Academy"
        raise click.ClickException(f"the database {what}: run 'academy db upgrade' first")
    if not state.empty and server_running(app.config["DATA_DIR"]):
        raise click.ClickException("the database is older than this version of Academy and the old version is still "
                                   "running: restart 'academy serve' (it upgrades the database), then try again")
    try:
        backup = upgrade_database(app)
    except (UpgradeFailed, BackupRefused, SQLAlchemyError, OSError) as exc:
        raise click.ClickException(f"the database could not be upgraded: {_first_line(exc)}") from None
    database = sqlite_path(app)
    data_dir = app.config["DATA_DIR"]
    give_to_data_dir_owner(data_dir, database, database.with_name(database.name + "-wal"),
                           database.with_name(database.name + "-shm"), data_dir / "secret_key", backup_dir(app),
                           *([backup] if backup else []))
    if state.empty:
        click.echo(f"created the database in {app.config['DATA_DIR']}", err=True)
    else:
        click.echo("upgraded the database to this version of Academy"
                   + (f"; the database as it was is in {backup}" if backup else ""), err=True)


def needs_database(command):
    """The command runs only on a database with the current schema."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        ensure_schema(current_app._get_current_object())
        return command(*args, **kwargs)
    return wrapper
