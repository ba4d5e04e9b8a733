"""Backups that restore: taken while learners answer, put back into a fresh
data folder with everything a learner earned, refused when the file is not
one, rotated daily, and taken before every schema upgrade."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import downgrade
from helpers import CsrfClient, answers_for, complete_course

from academy import create_app
from academy.auth.services import create_user
from academy.certificates import services as certificates
from academy.certificates.signing import KEY_FILE_NAME, load_or_create_signing_key
from academy.config import read_or_create_secret
from academy.content_updates import MARKER
from academy.extensions import db
from academy.learn import assignments as answers
from academy.learn import services as learning
from academy.learn.uploads import SUBMISSIONS_FOLDER, stored_path
from academy.ops import backups
from academy.setup import known_revisions, schema_state, upgrade_database


def _form(flat: dict) -> dict:
    return {key: value if isinstance(value, list) else [value] for key, value in flat.items()}


def answer_once(app, user, course, lesson) -> None:
    secret = app.config["SECRET_KEY"]
    token = learning.new_attempt_token(secret, user, course, lesson)
    nonce = learning.read_attempt_token(secret, token, user, course, lesson)
    learning.submit_attempt(user, course, lesson, "en", nonce, _form(answers_for(lesson.text("en"), correct=False)))


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        found = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    connection.close()
    return found


def run(app, *args):
    """The command on ``app``'s data folder (in its own app context: a
    command runs in the app context it finds)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def learner_with_certificate(app, library):
    course = library.get("hrdd-essentials")
    user = create_user("hang", "a long password", "Đỗ Thị Hằng", language="vi")
    complete_course(user, course)
    certificate = certificates.active_certificate(user.id, course.id)
    load_or_create_signing_key(app.config["DATA_DIR"])
    read_or_create_secret(app.config["DATA_DIR"] / "secret_key")  # as on a box (the tests pass SECRET_KEY)
    return user, certificate


def test_the_signing_key_file_that_backups_keep_is_the_one_certificates_use():
    assert KEY_FILE_NAME in backups.KEY_FILES


def test_the_learners_files_that_backups_keep_are_the_ones_uploads_write():
    assert SUBMISSIONS_FOLDER in backups.LEARNER_FOLDERS


def test_a_learners_photo_with_an_assignment_is_restored_with_the_database(app, library, tmp_path):
    course = library.get("preventing-sexual-harassment")
    lesson = course.lesson("speaking-up", "grievance-channel")
    assignment = lesson.assignments[0]
    user = create_user("hoa", "a long password", "Nguyễn Thị Hoa", language="vi")
    learning.enroll(user, course)
    photo = (Path(__file__).resolve().parents[1] / "fixtures" / "uploads" / "notice-board.jpg").read_bytes()
    record = answers.attach_file(user, course, lesson, assignment, photo, app.config["DATA_DIR"], 5 * 1024 * 1024, "vi")
    answers.submit(user, course, lesson, assignment, "Ảnh bảng thông báo", "vi")
    db.session.commit()
    stored = record.stored_name
    # An upload being written while the backup runs is not part of it.
    (stored_path(app.config["DATA_DIR"], ".upload-half.tmp")).write_bytes(b"half")
    made = backups.create_backup(app, tmp_path)
    assert f"submissions/{stored}" in backups.archive_names(made)
    assert "submissions/.upload-half.tmp" not in backups.archive_names(made)

    new_box = tmp_path / "new-box"
    fresh = create_app({"DATA_DIR": str(new_box), "TESTING": True})
    assert run(fresh, "restore", str(made)).exit_code == 0
    restored = stored_path(new_box, stored)
    assert restored.read_bytes() == photo
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600  # a learner's photo is not for every user of the box
    with sqlite3.connect(new_box / "academy.sqlite3") as connection:
        assert connection.execute("SELECT stored_name FROM submission_files").fetchall() == [(stored,)]
    connection.close()


def test_the_courses_an_update_installed_come_back_with_a_restore(app, tmp_path):
    assert backups.COURSES_SOURCE_NOTE == MARKER
    usb = tmp_path / "usb" / "courses"
    shutil.copytree(app.config["SHIPPED_COURSES_DIR"], usb)
    (usb / "climate-action-cycling" / ".git").mkdir()
    (usb / "climate-action-cycling" / ".git" / "HEAD").write_text("ref: refs/heads/main")
    lesson = next((usb / "climate-action-cycling").glob("01-*/01-*.en.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nA sentence only the new version has.\n", encoding="utf-8")
    assert run(app, "courses", "update", str(usb)).exit_code == 0
    made = tmp_path / "box.tar.gz"
    result = run(app, "backup", str(made))
    assert result.exit_code == 0 and "courses/ (" in result.output  # the admin is told the courses are in it
    names = backups.archive_names(made)
    assert f"courses/{MARKER}" in names and not any("/.git" in name for name in names)

    new_box = tmp_path / "new-box"
    fresh = create_app({"DATA_DIR": str(new_box), "TESTING": True})
    result = run(fresh, "restore", str(made))
    assert result.exit_code == 0 and "courses/ (" in result.output and ".en.md" not in result.output  # one line, not 200 names
    restored = new_box / "courses" / "climate-action-cycling" / lesson.relative_to(usb / "climate-action-cycling")
    assert "A sentence only the new version has." in restored.read_text(encoding="utf-8")
    assert (new_box / "courses" / MARKER).is_file()


def test_a_backup_is_one_owner_only_archive_with_the_database_and_both_keys(app, learner_with_certificate):
    result = run(app, "backup")
    assert result.exit_code == 0, result.output
    made = next((app.config["DATA_DIR"] / "backups").glob("academy-*.tar.gz"))
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    with tarfile.open(made) as archive:
        assert {"academy.sqlite3", "secret_key", KEY_FILE_NAME, "academy-backup.json"} <= set(archive.getnames())
    assert "secret_key" in result.output and KEY_FILE_NAME in result.output and str(made) in result.output


def test_a_backup_taken_while_learners_answer_is_consistent(app, library, tmp_path):
    course = library.get("climate-action-cycling")
    lesson = next(lesson for lesson in course.lessons if lesson.graded)
    user = create_user("writer", "a long password")
    learning.enroll(user, course)
    db.session.commit()
    user_id = user.id
    stop = threading.Event()
    written = []

    def learners_answer():
        with app.app_context():
            while not stop.is_set():
                learner = create_user(f"busy{len(written)}", "a long password")
                learning.enroll(learner, course)
                answer_once(app, learner, course, lesson)
                db.session.commit()
                written.append(learner.id)
            db.session.remove()

    writer = threading.Thread(target=learners_answer)
    writer.start()
    made = []
    deadline = time.monotonic() + 120
    try:
        while len(made) < 5 and writer.is_alive() and time.monotonic() < deadline:
            if len(written) > 3 * len(made):
                made.append(backups.create_backup(app, tmp_path / "backups", datetime(2026, 11, 24, 10, len(made))))
            time.sleep(0.01)
    finally:
        stop.set()
        writer.join()
    assert len(made) == 5 and len(written) > 12 and db.session.get(type(user), user_id)
    counts = []
    for archive_path in made:
        unpacked = tmp_path / archive_path.name
        unpacked.mkdir()
        with tarfile.open(archive_path) as archive:
            archive.extract("academy.sqlite3", unpacked, filter="data")
        database = unpacked / "academy.sqlite3"
        with sqlite3.connect(database) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("PRAGMA foreign_key_check").fetchall() == []
            # Every answer's learner is in the copy, with the enrolment and progress the same step wrote.
            assert copy.execute("SELECT count(*) FROM attempts a LEFT JOIN lesson_progress p "
                                "ON p.user_id = a.user_id AND p.lesson_key = a.lesson_key WHERE p.id IS NULL").fetchone() == (0,)
            assert copy.execute("SELECT count(*) FROM users u JOIN enrollments e ON e.user_id = u.id "
                                "WHERE u.username LIKE 'busy%' AND NOT EXISTS "
                                "(SELECT 1 FROM attempts a WHERE a.user_id = u.id)").fetchone() == (0,)
        copy.close()
        counts.append(count(database, "attempts"))
    assert counts == sorted(counts) and counts[-1] > counts[0]


def test_a_backup_restores_into_a_fresh_data_folder_with_the_learner_attempts_and_certificate(
        app, learner_with_certificate, tmp_path):
    user, certificate = learner_with_certificate
    attempts = count(app.config["DATA_DIR"] / "academy.sqlite3", "attempts")
    assert run(app, "backup", str(tmp_path / "offsite")).exit_code == 0
    made = next((tmp_path / "offsite").glob("*.tar.gz"))

    new_box = tmp_path / "new-box"
    fresh = create_app({"DATA_DIR": str(new_box), "TESTING": True})  # a new secret key is made for it
    result = run(fresh, "restore", str(made))
    assert result.exit_code == 0, result.output
    assert "1 accounts" in result.output and "1 certificates" in result.output

    assert (new_box / "secret_key").read_text() == (app.config["DATA_DIR"] / "secret_key").read_text()
    assert (new_box / KEY_FILE_NAME).read_bytes() == (app.config["DATA_DIR"] / KEY_FILE_NAME).read_bytes()
    assert count(new_box / "academy.sqlite3", "attempts") == attempts > 0
    restored = create_app({"DATA_DIR": str(new_box), "TESTING": True})
    restored.test_client_class = CsrfClient
    with restored.app_context():
        client = restored.test_client()
        assert client.post("/login", data={"username": "hang", "password": "a long password"}).status_code == 302
        learning_page = client.get("/my").get_data(as_text=True)
        assert f"/certificates/{certificate.id}.pdf" in learning_page
        page = client.get(f"/verify/{certificate.code}")
        assert page.status_code == 200 and "Đỗ Thị Hằng" in page.get_data(as_text=True)
        db.engine.dispose()


def test_the_database_that_was_there_is_kept_aside_by_a_restore(app, make_user, tmp_path):
    make_user("before")
    backup = backups.create_backup(app, tmp_path)
    make_user("after")  # written after the backup: not in it, but kept aside
    result = run(app, "restore", str(backup))
    assert result.exit_code == 0, result.output
    aside = next(app.config["DATA_DIR"].glob("academy.sqlite3.before-restore-*"))
    assert str(aside) in result.output
    with sqlite3.connect(aside) as kept:
        assert {row[0] for row in kept.execute("SELECT username FROM users")} == {"before", "after"}
    kept.close()
    with sqlite3.connect(app.config["DATA_DIR"] / "academy.sqlite3") as now:
        assert {row[0] for row in now.execute("SELECT username FROM users")} == {"before"}
    now.close()


def test_a_plain_sqlite_copy_restores_too(app, make_user, tmp_path):
    make_user("plain")
    assert run(app, "backup", str(tmp_path / "copy.sqlite3")).exit_code == 0
    result = run(app, "restore", str(tmp_path / "copy.sqlite3"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("damage", ["not academy", "truncated database", "truncated archive", "newer schema",
                                    "text file", "missing"])
def test_a_file_that_is_not_a_whole_academy_backup_is_refused_with_one_line(app, make_user, tmp_path, damage):
    make_user("precious")
    target = tmp_path / "suspect"
    if damage == "not academy":
        with sqlite3.connect(target) as other:
            other.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        other.close()
    elif damage == "truncated database":
        backups.create_database_copy(app, tmp_path / "whole.sqlite3")
        data = (tmp_path / "whole.sqlite3").read_bytes()
        target.write_bytes(data[: len(data) // 2])
    elif damage == "truncated archive":
        data = backups.create_backup(app, tmp_path / "whole.tar.gz").read_bytes()
        target.write_bytes(data[: len(data) // 2])
    elif damage == "newer schema":
        backups.create_database_copy(app, target)
        with sqlite3.connect(target) as newer:
            newer.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
        newer.close()
    elif damage == "text file":
        target.write_text("name,score\nhang,100\n")
    result = run(app, "restore", str(target))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    expected = {"not academy": "not Academy's", "truncated database": "incomplete", "truncated archive": "damaged",
                "newer schema": "newer version of Academy", "text file": "not an Academy backup",
                "missing": "no such file"}[damage]
    assert expected in result.output
    assert count(app.config["DATA_DIR"] / "academy.sqlite3", "users") == 1
    assert not list(app.config["DATA_DIR"].glob("*.before-restore-*"))


def test_an_older_backup_is_restored_and_upgraded(app, make_user, tmp_path):
    make_user("veteran")
    older = tmp_path / "older.sqlite3"
    backups.create_database_copy(app, older)
    scratch = create_app({"DATABASE_URL": f"sqlite:///{older}", "DATA_DIR": str(tmp_path / "scratch"), "TESTING": True})
    with scratch.app_context():
        downgrade(directory=scratch.extensions["migrate"].directory, revision="-1")
        db.engine.dispose()
    assert not schema_state(scratch).is_current
    result = run(app, "restore", str(older))
    assert result.exit_code == 0, result.output
    assert "upgraded" in result.output
    assert schema_state(app).is_current and count(app.config["DATA_DIR"] / "academy.sqlite3", "users") == 1


def test_a_restore_is_refused_while_academy_serves_the_data_folder(app, tmp_path):
    backup = backups.create_backup(app, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from academy.ops.running import ServeLock; "
        f"assert ServeLock({str(app.config['DATA_DIR'])!r}).acquire(); print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run(app, "restore", str(backup))
        assert result.exit_code == 1 and "stop 'academy serve' first" in result.output
    finally:
        holder.kill()
        holder.wait()
    assert run(app, "restore", str(backup)).exit_code == 0


def test_rotation_keeps_the_newest_backups(app, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "rotating")
    app.config["BACKUP_KEEP"] = 3
    for day in range(1, 6):
        backups.create_backup(app, tmp_path / "rotating", datetime(2026, 11, day, 3, 0))
    manual = backups.create_backup(app, tmp_path / "rotating", datetime(2026, 10, 1), suffix="before-upgrade")
    result = run(app, "backup", "--rotate")
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in (tmp_path / "rotating").iterdir())
    kept = [name for name in names if backups.ROTATING.match(name)]
    assert len(kept) == 3 and kept[:2] == ["academy-20261104-030000.tar.gz", "academy-20261105-030000.tar.gz"]
    assert manual.name in names  # a backup before an upgrade is never rotated away


def test_the_daily_backup_is_taken_once_a_day_and_rotated(app, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "daily")
    app.config["BACKUP_KEEP"] = 2
    monday = datetime(2026, 11, 23, 8, 0)
    assert backups.backup_if_due(app, monday) is not None
    assert backups.backup_if_due(app, monday + timedelta(hours=5)) is None
    assert backups.backup_if_due(app, monday + timedelta(days=1)) is not None
    assert backups.backup_if_due(app, monday + timedelta(days=2, hours=1)) is not None
    assert [when for when, _ in backups.rotating_backups(tmp_path / "daily")] == [
        monday + timedelta(days=1), monday + timedelta(days=2, hours=1)]
    app.config["BACKUP_KEEP"] = 0
    assert backups.backup_if_due(app, monday + timedelta(days=9)) is None


def test_the_serving_thread_takes_the_daily_backup_in_the_background(app, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "daily")
    thread = backups.DailyBackups(app, check_seconds=0.05)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not backups.rotating_backups(tmp_path / "daily") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        thread.stop()
    assert len(backups.rotating_backups(tmp_path / "daily")) == 1


def test_a_schema_upgrade_of_a_database_with_data_is_backed_up_first(app, make_user):
    make_user("kept-through-upgrades")
    directory = app.extensions["migrate"].directory
    downgrade(directory=directory, revision="-1")
    db.engine.dispose()
    made = upgrade_database(app)
    assert made is not None and made.name.endswith("-before-upgrade.tar.gz")
    with tarfile.open(made) as archive:
        database = archive.extractfile("academy.sqlite3").read()
    copy = app.config["DATA_DIR"] / "copy.sqlite3"
    copy.write_bytes(database)
    assert count(copy, "users") == 1
    assert schema_state(app).is_current
    assert upgrade_database(app) is None  # nothing to upgrade, no backup


def test_a_fresh_database_is_created_without_a_backup(tmp_path):
    fresh = create_app({"DATA_DIR": str(tmp_path), "TESTING": True})
    assert upgrade_database(fresh) is None
    assert not (tmp_path / "backups").exists()
    with fresh.app_context():
        db.engine.dispose()


def test_known_revisions_are_the_migrations(app):
    files = {path.name.split("_")[1] for path in Path(app.extensions["migrate"].directory, "versions").glob("*.py")}
    assert known_revisions(app) == files


def test_with_postgresql_backup_and_restore_say_to_use_pg_dump_and_pg_restore(tmp_path):
    pytest.importorskip("psycopg")
    pg = create_app({"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql+psycopg://nobody@/academy", "TESTING": True})
    for args, expected in ((["backup"], "pg_dump"), (["restore", str(tmp_path / "x.dump")], "pg_restore")):
        result = run(pg, *args)
        assert result.exit_code == 1 and expected in result.output and len(result.output.strip().splitlines()) == 1


def test_a_backup_of_a_data_folder_with_no_database_yet_says_so(tmp_path):
    fresh = create_app({"DATA_DIR": str(tmp_path), "TESTING": True})
    result = run(fresh, "backup")
    assert result.exit_code == 1 and "no database yet" in result.output


def test_the_admins_own_files_travel_with_the_backup(app, tmp_path):
    data = app.config["DATA_DIR"]
    (data / "organisation-logo.svg").write_text("<svg/>")
    (data / "certificate-design").mkdir()
    (data / "certificate-design" / "theme.css").write_text("body {}")
    made = backups.create_backup(app, tmp_path)
    new_box = tmp_path / "new-box"
    fresh = create_app({"DATA_DIR": str(new_box), "TESTING": True})
    (new_box / "certificate-design").mkdir()
    (new_box / "certificate-design" / "theme.css").write_text("old {}")
    assert run(fresh, "restore", str(made)).exit_code == 0
    assert (new_box / "organisation-logo.svg").read_text() == "<svg/>"
    assert (new_box / "certificate-design" / "theme.css").read_text() == "body {}"
    assert (next(new_box.glob("certificate-design.before-restore-*")) / "theme.css").read_text() == "old {}"


def test_an_archive_with_paths_outside_the_data_folder_restores_only_what_it_should(app, tmp_path):
    made = backups.create_backup(app, tmp_path)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(made) as source, tarfile.open(evil, "w:gz") as target:
        for info in source.getmembers():
            target.addfile(info, source.extractfile(info))
        payload = b"owned"
        for name in ("../escaped.txt", "certificate-design/../../escaped.txt", "/tmp/escaped.txt"):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            target.addfile(info, io.BytesIO(payload))
    assert run(app, "restore", str(evil)).exit_code == 0
    assert not (app.config["DATA_DIR"].parent / "escaped.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()


def test_file_modes_of_a_restore_keep_the_keys_private(app, tmp_path):
    read_or_create_secret(app.config["DATA_DIR"] / "secret_key")
    made = backups.create_backup(app, tmp_path)
    new_box = tmp_path / "new-box"
    fresh = create_app({"DATA_DIR": str(new_box), "TESTING": True})
    shutil.rmtree(new_box / "logs", ignore_errors=True)
    os.remove(new_box / "secret_key")
    assert run(fresh, "restore", str(made)).exit_code == 0
    assert stat.S_IMODE((new_box / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE((new_box / "academy.sqlite3").stat().st_mode) == 0o600


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can hand files to another user")
def test_a_restore_run_by_root_leaves_the_files_to_the_user_academy_runs_as(app, tmp_path):
    import pwd

    read_or_create_secret(app.config["DATA_DIR"] / "secret_key")
    made = backups.create_backup(app, tmp_path)
    nobody = pwd.getpwnam("nobody")
    new_box = tmp_path / "new-box"
    new_box.mkdir()
    os.chown(new_box, nobody.pw_uid, nobody.pw_gid)
    fresh = create_app({"DATA_DIR": str(new_box), "TESTING": True})
    assert run(fresh, "restore", str(made)).exit_code == 0
    for name in ("academy.sqlite3", "secret_key"):
        assert (new_box / name).stat().st_uid == nobody.pw_uid


def test_the_leftovers_of_a_backup_cut_off_are_cleared_by_the_next_rotation(app, tmp_path):
    directory = tmp_path / "rotating"
    directory.mkdir()
    stale = directory / ".academy-backup-abc123"
    stale.mkdir()
    half = directory / ".academy-20261124-021500.tar.gz.x1y2.tmp"
    half.write_bytes(b"half a backup")
    fresh_leftover = directory / ".academy-backup-now"
    fresh_leftover.mkdir()
    an_hour_ago = time.time() - 3700
    for path in (stale, half):
        os.utime(path, (an_hour_ago, an_hour_ago))
    backups.create_backup(app, directory)
    backups.rotate(directory, 14)
    assert not stale.exists() and not half.exists() and fresh_leftover.exists()
