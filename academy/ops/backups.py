"""Backups that restore.

A backup is one ``.tar.gz`` file that holds everything needed to bring the
box back on new hardware: a consistent copy of the SQLite database (SQLite's
online backup API, taken while the server keeps writing), the two keys of
the data folder (``secret_key``: sessions and forms; the certificate signing
key: without it old certificates can no longer be checked offline), and the
admin's own files if there are any (``config.py``, the organisation's logo,
a certificate design), and the files learners attached to assignments
(``submissions/``: the database names them, so the two travel together),
and the courses an update installed in the data folder (``courses/``: the
version the learners' records refer to; the shipped courses come back with
the package), and on a hub the bundles it keeps to apply later and the
acknowledgements boxes fetch (``sync/``). One file, because an admin who copies one file to a
USB stick cannot forget the keys; gzip, because a database compresses to a
fraction of its size and fourteen daily backups then fit anywhere. Because
it holds the keys, a backup is written owner-only (0600) and must be kept as
safe as the box itself.

A plain SQLite file (``academy backup FILE.sqlite3``, or a copy made by
hand) can be restored too; the data folder then keeps its keys.

The messages here are for the admin at the console, in English.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..extensions import db
from .files import give_to_data_dir_owner

DATABASE_NAME = "academy.sqlite3"
MANIFEST_NAME = "academy-backup.json"
#: The data folder's files a backup keeps besides the database. The certificate
#: signing key's name is ``academy.certificates.signing.KEY_FILE_NAME`` (a layer
#: above this one; a test checks the two agree).
KEY_FILES = ("secret_key", "certificate-signing-key.pem")
ADMIN_FILES = ("config.py", "organisation-logo.svg", "organisation-logo.png", "organisation-logo.jpg")
ADMIN_FOLDERS = ("certificate-design",)
#: Folders of files learners made, named by rows in the database. The name is
#: ``academy.learn.uploads.SUBMISSIONS_FOLDER`` (a layer above; a test checks).
LEARNER_FOLDERS = ("submissions",)
#: Courses installed by ``academy courses update`` (the version served; not
#: ``courses.previous``, which a rollback would need only on this box).
COURSE_FOLDERS = ("courses",)
COURSES_SOURCE_NOTE = ".academy-source.json"  # academy.content_updates.MARKER (a test checks)
#: A hub's bundles kept aside to apply later and the acknowledgements its
#: boxes fetch, named by rows in the database (``academy.sync.hub.KEPT_FOLDER``
#: is inside it; a test checks).
HUB_FOLDERS = ("sync",)
DATA_FOLDERS = ADMIN_FOLDERS + LEARNER_FOLDERS + COURSE_FOLDERS + HUB_FOLDERS
SECRET_FILES = frozenset(KEY_FILES)
#: Tables every Academy database has had since its first migration.
ACADEMY_TABLES = frozenset({"users", "enrollments", "lesson_progress", "attempts", "alembic_version"})

STAMP_FORMAT = "%Y%m%d-%H%M%S"
#: The rotating backups (``academy backup --rotate`` and the daily one taken by
#: ``academy serve``). Backups taken before a schema upgrade end in
#: ``-before-upgrade`` and are never rotated away.
ROTATING = re.compile(r"^academy-(\d{8}-\d{6})\.tar\.gz$")
SQLITE_HEADER = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"


class BackupRefused(Exception):
    """A file that cannot be restored; the message says why, in one line."""


@dataclass
class DatabaseSummary:
    revision: str
    users: int
    attempts: int
    certificates: int


@dataclass
class RestoreReport:
    source: Path
    summary: DatabaseSummary
    made_by: str | None = None  # "Academy 0.1.0 on 2026-11-24 10:15" when the backup says so
    kept_aside: list[Path] = field(default_factory=list)
    restored_files: list[str] = field(default_factory=list)


def _academy_version() -> str:
    try:
        return version("academy")
    except PackageNotFoundError:
        return "0.0.0+checkout"


def backup_dir(app) -> Path:
    return Path(app.config.get("BACKUP_DIR") or app.config["DATA_DIR"] / "backups").expanduser()


def sqlite_path(app) -> Path | None:
    """The SQLite database file, or None when the database is not SQLite."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    try:
        path.chmod(0o700)
    except OSError:  # a folder the admin made, owned by someone else: leave it
        pass
    return path


def remove_leftovers(directory: Path, older_than: float = 3600) -> None:
    """Temporary files of a backup that was cut off (the server stopped, the
    power went) are removed once they are an hour old."""
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if path.name.startswith((".academy-backup-", ".academy-")) and (path.is_dir() or path.name.endswith(".tmp")):
            try:
                if time.time() - path.stat().st_mtime <= older_than:
                    continue
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                continue


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, in one step: the copy is
    one snapshot even while another connection writes (WAL: the writer is
    not blocked), and it is checked before it is trusted."""
    source_db = sqlite3.connect(source, timeout=15)
    try:
        target_db = sqlite3.connect(target)
        try:
            source_db.backup(target_db)
            problems = target_db.execute("PRAGMA quick_check").fetchall()
            # A single file: no -wal beside it, wherever it is copied to.
            target_db.execute("PRAGMA journal_mode=DELETE")
        finally:
            target_db.close()
    finally:
        source_db.close()
    if problems != [("ok",)]:
        raise BackupRefused(f"the copy of {source} failed its check: {problems[0][0]}")


def _unique(directory: Path, stem: str, suffix: str) -> Path:
    candidate = directory / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def default_backup_path(directory: Path, now: datetime, suffix: str | None = None) -> Path:
    stem = f"academy-{now.strftime(STAMP_FORMAT)}" + (f"-{suffix}" if suffix else "")
    return _unique(directory, stem, ".tar.gz")


def _data_files(data_dir: Path) -> list[tuple[str, Path]]:
    """(name in the archive, path) of every key and admin file that exists."""
    found = [(name, data_dir / name) for name in (*KEY_FILES, *ADMIN_FILES) if (data_dir / name).is_file()]
    for folder in DATA_FOLDERS:
        root = data_dir / folder
        if root.is_dir():
            found += [(path.relative_to(data_dir).as_posix(), path) for path in sorted(root.rglob("*"))
                      if path.is_file() and _kept(path.relative_to(root))]
    return found


def _kept(relative: Path) -> bool:
    """Hidden files stay out of a backup (an upload being written right now,
    a .git folder), except the note of where installed courses came from."""
    return relative.name == COURSES_SOURCE_NOTE or not any(part.startswith(".") for part in relative.parts)


def _write_privately(path: Path, write) -> None:
    """Write through a temporary file in the same folder, owner-only, then
    move it into place: a reader never sees half a backup."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        if path.exists():
            raise FileExistsError(path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _revision(connection: sqlite3.Connection) -> str:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return ""
    return row[0] if row else ""


def create_backup(app, destination: Path, now: datetime | None = None, suffix: str | None = None) -> Path:
    """Back up the SQLite database and the data folder's keys into one
    ``.tar.gz``. ``destination`` is a folder (the file is named after the
    time) or a new file's path. Returns the file written."""
    now = now or datetime.now()
    database = sqlite_path(app)
    if database is None:
        raise BackupRefused("the database is not SQLite: back it up with pg_dump (PostgreSQL) and copy the data folder's keys")
    if not database.is_file():
        raise BackupRefused(f"there is no database yet at {database}: nothing to back up")
    destination = Path(destination)
    if destination.is_dir() or not destination.suffix:
        target = default_backup_path(_private_dir(destination), now, suffix)
    else:
        target = destination
        if target.exists():
            raise BackupRefused(f"{target} exists; choose a new file name")
        target.parent.mkdir(parents=True, exist_ok=True)
    data_dir = Path(app.config["DATA_DIR"])
    with tempfile.TemporaryDirectory(prefix=".academy-backup-", dir=target.parent) as scratch:
        copy = Path(scratch) / DATABASE_NAME
        copy_database(database, copy)
        with sqlite3.connect(copy) as connection:
            revision = _revision(connection)
        connection.close()
        manifest = {"format": 1, "academy": _academy_version(), "created": now.isoformat(timespec="seconds"),
                    "schema": revision, "database": DATABASE_NAME}

        def write(handle):
            with tarfile.open(fileobj=handle, mode="w:gz") as archive:
                data = json.dumps(manifest, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
                archive.addfile(info, io.BytesIO(data))
                archive.add(copy, DATABASE_NAME, recursive=False, filter=_owner_only)
                for name, path in _data_files(data_dir):
                    archive.add(path, name, recursive=False, filter=_owner_only)

        _write_privately(target, write)
    give_to_data_dir_owner(data_dir, target.parent, target)
    return target


def archive_names(path: Path) -> list[str]:
    """What a backup archive holds, besides its manifest."""
    with tarfile.open(path, "r:gz") as archive:
        return [name for name in archive.getnames() if name != MANIFEST_NAME]


def create_database_copy(app, target: Path) -> Path:
    """The database alone, as a plain SQLite file (the keys stay behind)."""
    database = sqlite_path(app)
    if database is None:
        raise BackupRefused("the database is not SQLite: back it up with pg_dump (PostgreSQL)")
    if not database.is_file():
        raise BackupRefused(f"there is no database yet at {database}: nothing to back up")
    if target.exists():
        raise BackupRefused(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".academy-backup-", dir=target.parent) as scratch:
        copy = Path(scratch) / DATABASE_NAME
        copy_database(database, copy)
        _write_privately(target, lambda handle: handle.write(copy.read_bytes()))
    return target


def _owner_only(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


# -- rotation and the daily backup -------------------------------------------

def rotating_backups(directory: Path) -> list[tuple[datetime, Path]]:
    """The rotating backups in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = ROTATING.match(path.name)
        if match and path.is_file():
            found.append((datetime.strptime(match.group(1), STAMP_FORMAT), path))
    return sorted(found)


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` rotating backups; returns the deleted."""
    backups = rotating_backups(directory)
    doomed = [path for _, path in backups[: max(len(backups) - max(keep, 1), 0)]]
    for path in doomed:
        path.unlink(missing_ok=True)
    remove_leftovers(directory)
    return doomed


def last_backup(app) -> datetime | None:
    backups = rotating_backups(backup_dir(app))
    return backups[-1][0] if backups else None


def backup_if_due(app, now: datetime | None = None) -> Path | None:
    """Take the daily backup when the newest one is older than
    ``BACKUP_INTERVAL_HOURS``, then keep the newest ``BACKUP_KEEP``."""
    now = now or datetime.now()
    keep = int(app.config.get("BACKUP_KEEP", 14))
    if keep <= 0 or sqlite_path(app) is None:
        return None
    latest = last_backup(app)
    interval = timedelta(hours=float(app.config.get("BACKUP_INTERVAL_HOURS", 24)))
    if latest is not None and latest <= now and now - latest < interval:
        return None
    directory = backup_dir(app)
    made = create_backup(app, directory, now)
    rotate(directory, keep)
    return made


class DailyBackups(threading.Thread):
    """`academy serve`'s background thread: every few minutes it checks whether
    the day's backup is due (so a box that sleeps or restarts catches up)."""

    def __init__(self, app, check_seconds: float = 300):
        super().__init__(name="academy-daily-backups", daemon=True)
        self.app = app
        self.check_seconds = check_seconds
        self._stopping = threading.Event()

    def run(self) -> None:
        while True:
            try:
                made = backup_if_due(self.app)
                if made is not None:
                    self.app.logger.info("daily backup written to %s", made)
            except Exception:  # a full disk must not stop the server; the log says why
                self.app.logger.exception("the daily backup failed")
            if self._stopping.wait(self.check_seconds):
                return

    def stop(self) -> None:
        self._stopping.set()
        self.join()


# -- restoring ---------------------------------------------------------------

def inspect_database(path: Path, known_revisions: set[str], name: str | None = None) -> DatabaseSummary:
    """Check that ``path`` is a whole Academy database of a schema this
    version knows; raise BackupRefused with the reason otherwise."""
    name = name or str(path)
    with open(path, "rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise BackupRefused(f"{name} is not an SQLite database")
    if len(header) == 100:
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        counter_valid = header[24:28] == header[92:96]
        if counter_valid and pages and path.stat().st_size < page_size * pages:
            raise BackupRefused(f"{name} is incomplete: the file is shorter than its database (a copy cut off?)")
    try:
        connection = sqlite3.connect(path)
        try:
            problems = connection.execute("PRAGMA quick_check").fetchall()
            if problems != [("ok",)]:
                raise BackupRefused(f"{name} is damaged: {problems[0][0]}")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = ACADEMY_TABLES - tables
            if missing:
                raise BackupRefused(f"{name} is an SQLite database but not Academy's (no {', '.join(sorted(missing))} table)")
            revision = _revision(connection)
            if revision not in known_revisions:
                raise BackupRefused(f"{name} was made by a newer version of Academy (schema {revision or 'unknown'}): "
                                    "install that version or a newer one, then restore it")
            counts = [connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table in tables else 0
                      for table in ("users", "attempts", "certificates")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{name} is damaged or not a database: {exc}") from None
    return DatabaseSummary(revision, *counts)


def _safe_member(info: tarfile.TarInfo) -> str | None:
    """The data folder's name for an archive member we restore, or None."""
    if not info.isfile():
        return None
    name = info.name
    if name in (DATABASE_NAME, MANIFEST_NAME, *KEY_FILES, *ADMIN_FILES):
        return name
    parts = name.split("/")
    if parts[0] in DATA_FOLDERS and len(parts) > 1 and all(part not in ("", ".", "..") for part in parts):
        return name
    return None


def _read_archive(source: Path, scratch: Path) -> tuple[dict, dict[str, Path]]:
    """Unpack the members we know into ``scratch``: (manifest, name -> path)."""
    files: dict[str, Path] = {}
    manifest: dict = {}
    try:
        with tarfile.open(source, "r:*") as archive:
            for info in archive:
                name = _safe_member(info)
                if name is None:
                    continue
                handle = archive.extractfile(info)
                data = handle.read() if handle else b""
                if len(data) != info.size:
                    raise EOFError(name)
                if name == MANIFEST_NAME:
                    manifest = json.loads(data)
                    continue
                target = scratch / "files" / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                files[name] = target
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupRefused(f"{source} is damaged or incomplete ({type(exc).__name__}): not restored") from None
    if DATABASE_NAME not in files:
        raise BackupRefused(f"{source} is an archive but not an Academy backup (no {DATABASE_NAME} in it)")
    return manifest, files


def read_backup(source: Path, scratch: Path, known_revisions: set[str]) -> tuple[DatabaseSummary, dict, dict[str, Path]]:
    """Check a backup file (archive or plain SQLite) and unpack it into
    ``scratch``: (summary, manifest, name -> unpacked path)."""
    if not source.is_file():
        raise BackupRefused(f"{source}: no such file")
    with open(source, "rb") as handle:
        start = handle.read(len(SQLITE_HEADER))
    if start.startswith(GZIP_MAGIC) or (not start.startswith(SQLITE_HEADER) and tarfile.is_tarfile(source)):
        manifest, files = _read_archive(source, scratch)
    elif start.startswith(SQLITE_HEADER):
        manifest, files = {}, {DATABASE_NAME: scratch / DATABASE_NAME}
        shutil.copyfile(source, files[DATABASE_NAME])
    else:
        raise BackupRefused(f"{source} is not an Academy backup: neither a backup archive (.tar.gz) nor an SQLite database")
    summary = inspect_database(files[DATABASE_NAME], known_revisions, name=str(source))
    return summary, manifest, files


def _same_content(a: Path, b: Path) -> bool:
    if a.is_dir() or b.is_dir():
        return False
    return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def _aside_name(path: Path, stamp: str) -> Path:
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    number = 2
    while aside.exists():
        aside = path.with_name(f"{path.name}.before-restore-{stamp}-{number}")
        number += 1
    return aside


def _set_aside(path: Path, stamp: str) -> Path:
    aside = _aside_name(path, stamp)
    os.replace(path, aside)
    return aside


def restore_backup(app, source: Path, known_revisions: set[str], now: datetime | None = None) -> RestoreReport:
    """Replace the data folder's SQLite database (and keys, when the backup
    holds them) with the backup's. What was there is kept beside it as
    ``<name>.before-restore-<time>``. The caller makes sure no server runs
    (``running.MaintenanceLock``) and upgrades the schema afterwards."""
    now = now or datetime.now()
    stamp = now.strftime(STAMP_FORMAT)
    database = sqlite_path(app)
    if database is None:
        raise BackupRefused("the database is not SQLite: restore it with pg_restore (PostgreSQL)")
    data_dir = Path(app.config["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        db.engine.dispose()  # no connection of ours may hold the old file open
    with tempfile.TemporaryDirectory(prefix=".academy-restore-", dir=database.parent) as scratch_name:
        scratch = Path(scratch_name)
        summary, manifest, files = read_backup(Path(source), scratch, known_revisions)
        report = RestoreReport(source=Path(source), summary=summary)
        if manifest.get("academy") and manifest.get("created"):
            report.made_by = f"Academy {manifest['academy']} on {manifest['created'].replace('T', ' ')}"
        restored = files.pop(DATABASE_NAME)
        with sqlite3.connect(restored) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()

        # The database that was there: a consistent copy of it beside it. If
        # it is too damaged to copy (often why one restores), its files are
        # moved aside as they are.
        if database.is_file() and database.stat().st_size:
            aside = _aside_name(database, stamp)
            try:
                copy_database(database, aside)
            except (sqlite3.DatabaseError, BackupRefused):
                aside.unlink(missing_ok=True)
                aside = _set_aside(database, stamp)
                for extra in ("-wal", "-shm"):
                    sidecar = database.with_name(database.name + extra)
                    if sidecar.exists():
                        os.replace(sidecar, aside.with_name(aside.name + extra))
            report.kept_aside.append(aside)
        for extra in ("-wal", "-shm", "-journal"):
            database.with_name(database.name + extra).unlink(missing_ok=True)
        os.chmod(restored, 0o600)  # password hashes and every learner's answers
        os.replace(restored, database)

        # The keys, the admin's and the learners' files: what differs is set
        # aside, then replaced.
        for folder in DATA_FOLDERS:
            incoming = {name: path for name, path in files.items() if name.startswith(folder + "/")}
            current = data_dir / folder
            if incoming and current.exists():
                present = {path.relative_to(data_dir).as_posix(): path for path in current.rglob("*") if path.is_file()}
                if present.keys() == incoming.keys() and all(_same_content(present[n], incoming[n]) for n in incoming):
                    for name in incoming:
                        files.pop(name)
                else:
                    report.kept_aside.append(_set_aside(current, stamp))
        for name, unpacked in sorted(files.items()):
            target = data_dir / name
            if target.is_file() and _same_content(target, unpacked):
                continue
            if target.exists():
                report.kept_aside.append(_set_aside(target, stamp))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(unpacked, target)
            # keys; learners' photos; a hub's bundles of learners' records
            private = name in SECRET_FILES or name.split("/")[0] in LEARNER_FOLDERS + HUB_FOLDERS
            os.chmod(target, 0o600 if private else 0o644)
            report.restored_files.append(name)
        give_to_data_dir_owner(data_dir, database, *(data_dir / name for name in report.restored_files),
                               *{data_dir / name.split("/")[0] for name in report.restored_files if "/" in name},
                               *report.kept_aside)
    return report
