import os
import stat

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


def test_the_migrations_match_the_models(app):
    """A model changed without a migration would be lost on upgrade."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from academy.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        assert compare_metadata(context, db.metadata) == []


def test_the_shipped_courses_give_way_to_the_ones_an_update_installed_in_the_data_folder(tmp_path):
    (tmp_path / "courses").mkdir()
    assert create_app({"DATA_DIR": str(tmp_path)}).config["COURSES_DIR"] == (tmp_path / "courses").resolve()


def test_a_courses_folder_set_by_the_admin_is_read_even_when_the_data_folder_has_courses(tmp_path):
    (tmp_path / "courses").mkdir()
    (tmp_path / "mine").mkdir()
    app = create_app({"DATA_DIR": str(tmp_path), "COURSES_DIR": str(tmp_path / "mine")})
    assert app.config["COURSES_DIR"] == (tmp_path / "mine").resolve()
