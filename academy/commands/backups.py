"""Backing up and restoring the box (SQLite; PostgreSQL has pg_dump)."""

from __future__ import annotations

import collections

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..ops import backups
from ..ops.running import MaintenanceLock, ServerRunning
from ..setup import UpgradeFailed, known_revisions, upgrade_database

PLAIN_DATABASE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
_POSTGRES_BACKUP = ("the database is PostgreSQL: back it up with pg_dump (pg_dump -Fc academy > academy.dump) "
                    "and copy the data folder's secret_key and certificate-signing-key.pem")
_POSTGRES_RESTORE = "the database is PostgreSQL: restore it with pg_restore; this command restores SQLite backups"


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} kB"


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(path_type=Path))
@click.option("--rotate", is_flag=True,
              help="Write into the backups folder and keep only the newest BACKUP_KEEP backups (for cron).")
@with_appcontext
def backup_command(destination: Path | None, rotate: bool):
    """Back up the database and the data folder's keys, while Academy keeps
    running, into one .tar.gz (default: DATA_DIR/backups/academy-<time>.tar.gz).

    DESTINATION may be a folder, or a new file; a file ending in .sqlite3 gets
    the database alone (then copy the keys yourself)."""
    app = current_app._get_current_object()
    if backups.sqlite_path(app) is None:
        raise click.ClickException(_POSTGRES_BACKUP)
    if rotate and destination is not None:
        raise click.ClickException("--rotate writes into the backups folder (BACKUP_DIR); leave out DESTINATION")
    try:
        if destination is not None and destination.suffix in PLAIN_DATABASE_SUFFIXES:
            made = backups.create_database_copy(app, destination)
            click.echo(f"copied the database to {made} ({_size(made)})")
            click.echo(f"This file holds the database only: also keep a copy of secret_key and "
                       f"certificate-signing-key.pem from {app.config['DATA_DIR']}")
            return
        made = backups.create_backup(app, destination or backups.backup_dir(app))
    except (backups.BackupRefused, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    names = backups.archive_names(made)
    click.echo(f"backed up {_listed(names)} to {made} ({_size(made)})")
    missing = [name for name in backups.KEY_FILES if name not in names]
    if missing:
        click.echo(f"(not in {app.config['DATA_DIR']} yet, so not in the backup: {', '.join(missing)})")
    click.echo("It holds the keys that sign sessions and certificates: keep it as safe as the box. "
               f"Restore it with: academy restore {made}")
    if rotate:
        keep = int(app.config["BACKUP_KEEP"])
        for old in backups.rotate(made.parent, keep):
            click.echo(f"removed the old backup {old.name} (keeping {max(keep, 1)})")


def _listed(names: list[str]) -> str:
    """File names for one line: the files, then each folder with a count
    (a backup can hold hundreds of course files)."""
    folders = collections.Counter(name.split("/")[0] for name in names if "/" in name)
    parts = [name for name in names if "/" not in name]
    parts += [f"{folder}/ ({count} file{'s' if count != 1 else ''})" for folder, count in sorted(folders.items())]
    return ", ".join(parts)


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@with_appcontext
def restore_command(source: Path):
    """Put a backup back: the database (and the keys, from a .tar.gz backup).
    Stop 'academy serve' first. What is there now is kept beside it, named
    *.before-restore-<time>; an older backup is upgraded to this version."""
    app = current_app._get_current_object()
    if backups.sqlite_path(app) is None:
        raise click.ClickException(_POSTGRES_RESTORE)
    data_dir = app.config["DATA_DIR"]
    try:
        with MaintenanceLock(data_dir):
            report = backups.restore_backup(app, source, known_revisions(app))
            backup = upgrade_database(app)
    except ServerRunning:
        raise click.ClickException(f"Academy is running on {data_dir}: stop 'academy serve' first, "
                                   "then run academy restore again") from None
    except (backups.BackupRefused, UpgradeFailed, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    summary = report.summary
    click.echo(f"restored {source}" + (f" (made by {report.made_by})" if report.made_by else "")
               + f": {summary.users} accounts, {summary.attempts} quiz attempts, {summary.certificates} certificates")
    if report.restored_files:
        click.echo("restored from the backup: " + _listed(report.restored_files))
    for aside in report.kept_aside:
        click.echo(f"kept what was there as {aside}")
    if backup is not None:
        click.echo("upgraded the restored database to this version of Academy")
    click.echo("Start Academy again: academy serve")
