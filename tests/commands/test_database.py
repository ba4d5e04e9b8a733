"""Every command works on a fresh data folder: the ones that need the
database bring its schema up to date first (SQLite), or say in one line what
to run (PostgreSQL, a newer database, a server still running the old version)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from flask_migrate import downgrade

from academy import create_app
from academy.extensions import db
from academy.setup import schema_state

PASSWORD = "a long password\n"


def academy(data_dir, *args, input: str | None = None, **env) -> subprocess.CompletedProcess:
    """The real `academy` command, as the admin runs it."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ACADEMY_")}
    environment.update(ACADEMY_DATA_DIR=str(data_dir), **env)
    return subprocess.run([sys.executable, "-m", "academy", *args], input=input, capture_output=True, text=True,
                          env=environment, timeout=120)


def test_an_admin_is_created_on_a_fresh_data_folder_before_the_server_ever_ran(tmp_path):
    result = academy(tmp_path / "fresh", "users", "create", "admin", "--role", "admin", input=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert "created admin admin" in result.stdout and "Traceback" not in result.stderr
    assert "created the database" in result.stderr
    assert "INFO" not in result.stderr  # one line for the admin, not Alembic's log of each migration
    again = academy(tmp_path / "fresh", "users", "create", "tutor1", "--role", "tutor", input=PASSWORD)
    assert again.returncode == 0 and "created the database" not in again.stderr


def invoke(data_dir, *args, input: str | None = None, **config):
    """A command through Click's runner on its own app (quicker than a process)."""
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, **config})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), input=input)
        db.engine.dispose()
    return result


@pytest.mark.parametrize(("args", "input", "expected_exit", "expected"), [
    (["users", "create", "chief", "--role", "admin", "--password-stdin"], PASSWORD, 0, "created admin chief"),
    (["backup"], None, 1, "no database yet"),
    (["backup", "--rotate"], None, 1, "no database yet"),
    (["restore", "missing.tar.gz"], None, 1, "no such file"),
    (["serve", "--no-migrate"], None, 1, "run 'academy db upgrade' first"),
    (["db", "upgrade"], None, 0, ""),
    (["certificates", "public-key"], None, 0, "ed25519:"),
    (["check"], None, 0, "valid"),
], ids=["users create", "backup", "backup --rotate", "restore", "serve --no-migrate", "db upgrade", "public-key", "check"])
def test_each_command_on_a_fresh_data_folder_works_or_says_why_in_one_line(tmp_path, args, input, expected_exit,
                                                                              expected):
    result = invoke(tmp_path / "fresh", *args, input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == expected_exit, result.output
    assert expected in result.output
    if expected_exit:
        assert len(result.output.strip().splitlines()) == 1


def older_database(data_dir):
    """A database one migration behind, with an account in it."""
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True})
    assert invoke(data_dir, "users", "create", "veteran", "--password-stdin", input=PASSWORD).exit_code == 0
    with app.app_context():
        downgrade(directory=app.extensions["migrate"].directory, revision="-1")
        db.engine.dispose()
    assert not schema_state(app).is_current
    return app


def test_a_command_upgrades_an_older_database_and_keeps_a_backup_of_it(tmp_path):
    app = older_database(tmp_path)
    result = invoke(tmp_path, "users", "create", "newcomer", "--password-stdin", input=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "upgraded the database" in result.output and "before-upgrade.tar.gz" in result.output
    assert schema_state(app).is_current
    assert len(list((tmp_path / "backups").glob("*-before-upgrade.tar.gz"))) == 1


def test_a_command_does_not_upgrade_the_database_under_a_running_older_server(tmp_path):
    app = older_database(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from academy.ops.running import ServeLock; "
        f"assert ServeLock({str(tmp_path)!r}).acquire(); print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = invoke(tmp_path, "users", "create", "newcomer", "--password-stdin", input=PASSWORD)
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1 and "restart 'academy serve'" in result.output
    assert not schema_state(app).is_current


def test_a_database_from_a_newer_academy_is_left_alone(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True})
    assert invoke(tmp_path, "db", "upgrade").exit_code == 0
    with app.app_context():
        db.session.execute(db.text("UPDATE alembic_version SET version_num = 'from_the_future'"))
        db.session.commit()
        db.engine.dispose()
    for args in (["users", "create", "x", "--password-stdin"], ["serve", "--no-migrate"], ["serve", "--port", "1"]):
        result = invoke(tmp_path, *args, input=PASSWORD)
        assert result.exit_code == 1 and "newer version of Academy" in result.output, result.output
    with app.app_context():
        assert db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar() == "from_the_future"
        db.engine.dispose()


def test_an_unreachable_database_is_one_line_too(tmp_path):
    pytest.importorskip("psycopg")
    started = time.monotonic()
    result = invoke(tmp_path, "users", "create", "x", "--password-stdin", input=PASSWORD,
                    DATABASE_URL=f"postgresql+psycopg://nobody@/academy?host={tmp_path}&connect_timeout=2")
    assert result.exit_code == 1 and result.output.startswith("Error: the database cannot be opened")
    assert len(result.output.strip().splitlines()) == 1 and time.monotonic() - started < 30


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can hand files to another user")
def test_sudo_academy_users_create_leaves_the_new_database_to_the_user_academy_runs_as(tmp_path):
    import pwd

    nobody = pwd.getpwnam("nobody")
    box = tmp_path / "box"
    box.mkdir()
    os.chown(box, nobody.pw_uid, nobody.pw_gid)
    result = academy(box, "users", "create", "admin", "--role", "admin", input=PASSWORD)
    assert result.returncode == 0, result.stderr
    for name in ("academy.sqlite3", "secret_key", "logs"):
        assert (box / name).stat().st_uid == nobody.pw_uid, name
