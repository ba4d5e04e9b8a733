import os
import stat

import pytest
from helpers import statements_sent

from academy import create_app


def test_the_secret_key_is_generated_once_and_readable_only_by_the_owner(tmp_path):
    first = create_app({"DATA_DIR": str(tmp_path)})
    second = create_app({"DATA_DIR": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text().strip()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ACADEMY_DATA_DIR", str(tmp_path / "box"))
    monkeypatch.setenv("ACADEMY_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("ACADEMY_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    app = create_app()
    assert app.config["DATA_DIR"] == tmp_path / "box"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.sqlite3")


def test_a_config_file_in_the_data_folder_is_read(tmp_path):
    (tmp_path / "config.py").write_text('SELF_REGISTRATION = False\nCONTENT_RELOAD_SECONDS = 99\n')
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SELF_REGISTRATION"] is False
    assert app.config["CONTENT_RELOAD_SECONDS"] == 99


def test_the_default_database_is_sqlite_in_the_data_folder(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'academy.sqlite3'}"


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app):
    from academy.extensions import db

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_sqlite_syncs_every_commit_to_disk_by_default_so_a_power_cut_loses_no_answer(tmp_path):
    from academy.extensions import db

    app = create_app({"DATA_DIR": str(tmp_path)})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_an_unknown_synchronous_setting_is_refused_at_start(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="SQLITE_SYNCHRONOUS"):
        create_app({"DATA_DIR": str(tmp_path), "SQLITE_SYNCHRONOUS": "OFF"})


def test_the_migrations_match_the_models(app):
    """A model changed without a migration would be lost on upgrade."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from academy.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def usual_umask():
    """The umask most services run with: files 0644, folders 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_data_folder_academy_creates_is_readable_by_the_owner_only(tmp_path, usual_umask):
    create_app({"DATA_DIR": str(tmp_path / "box")})
    assert mode(tmp_path / "box") == 0o700


def test_a_data_folder_for_a_configured_secret_key_is_readable_by_the_owner_only(tmp_path, usual_umask):
    create_app({"DATA_DIR": str(tmp_path / "box"), "SECRET_KEY": "given"})
    assert mode(tmp_path / "box") == 0o700


def test_the_database_and_its_wal_files_are_readable_by_the_owner_only(tmp_path, usual_umask):
    from sqlalchemy import text

    from academy.extensions import db

    app = create_app({"DATA_DIR": str(tmp_path / "box")})
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("create table t (x integer)"))
        connection.commit()
        files = {name: mode(tmp_path / "box" / name) for name in ("academy.sqlite3", "academy.sqlite3-wal", "academy.sqlite3-shm")}
    assert files == {"academy.sqlite3": 0o600, "academy.sqlite3-wal": 0o600, "academy.sqlite3-shm": 0o600}


def test_the_database_serve_migrates_is_readable_by_the_owner_only(tmp_path, usual_umask):
    from academy.extensions import db
    from academy.setup import upgrade_database

    app = create_app({"DATA_DIR": str(tmp_path / "box")})
    upgrade_database(app)
    with app.app_context():
        db.engine.dispose()
    assert mode(tmp_path / "box" / "academy.sqlite3") == 0o600


def test_an_existing_database_keeps_the_mode_its_admin_gave_it(tmp_path, usual_umask):
    from sqlalchemy import text

    from academy.extensions import db

    (tmp_path / "academy.sqlite3").touch(mode=0o640)
    os.chmod(tmp_path / "academy.sqlite3", 0o640)
    app = create_app({"DATA_DIR": str(tmp_path)})
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("select 1"))
    assert mode(tmp_path / "academy.sqlite3") == 0o640


def test_the_shipped_courses_give_way_to_the_ones_an_update_installed_in_the_data_folder(tmp_path):
    (tmp_path / "courses").mkdir()
    assert create_app({"DATA_DIR": str(tmp_path)}).config["COURSES_DIR"] == (tmp_path / "courses").resolve()


def test_a_courses_folder_set_by_the_admin_is_read_even_when_the_data_folder_has_courses(tmp_path):
    (tmp_path / "courses").mkdir()
    (tmp_path / "mine").mkdir()
    app = create_app({"DATA_DIR": str(tmp_path), "COURSES_DIR": str(tmp_path / "mine")})
    assert app.config["COURSES_DIR"] == (tmp_path / "mine").resolve()


def test_a_page_that_only_reads_opens_no_transaction_on_sqlite_and_a_form_post_takes_the_write_lock(
        app, client, make_user, login):
    login(client, make_user("an"))
    responses = []
    statements = statements_sent(lambda: responses.append(client.get("/my")))
    assert responses[0].status_code == 200
    assert [s for s in statements if s.startswith("BEGIN")] == []
    assert "BEGIN IMMEDIATE" in statements_sent(lambda: client.post("/logout"))


def test_a_server_process_does_not_load_what_only_a_download_needs(tmp_path):
    """openpyxl (workbook downloads) and WeasyPrint (PDFs) are imported when
    first used: each adds megabytes to every server process (the load
    benchmark's peak RSS goal)."""
    import subprocess
    import sys

    code = ("import sys; from academy import create_app; "
            f"create_app({{'DATA_DIR': {str(tmp_path)!r}, 'SECRET_KEY': 'x'}}); "
            "print(sorted(m for m in ('openpyxl', 'weasyprint') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
