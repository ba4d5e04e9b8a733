"""`/healthz`: what a monitor polls. No sign-in, JSON, 200 or 503, no secret."""

from __future__ import annotations

import json

from academy import __version__
from academy.extensions import db
from academy.library import LibraryCache
from academy.ops import backups


def test_a_healthy_box_answers_200_with_what_it_checked(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    report = response.get_json()
    assert report["status"] == "ok" and report["version"] == __version__
    assert report["checks"]["database"] == {"ok": True}
    assert report["checks"]["courses"]["ok"] and report["checks"]["courses"]["loaded"] >= 3
    assert report["checks"]["disk"]["ok"] and report["checks"]["disk"]["free_mb"] >= 500
    assert report["last_backup"] is None
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_the_report_names_no_secret_path_or_database_address(app, client):
    body = client.get("/healthz").get_data(as_text=True)
    for secret in (app.config["SECRET_KEY"], str(app.config["DATA_DIR"]), "sqlite", "alembic"):
        assert secret not in body
    assert set(json.loads(body)) == {"status", "version", "checks", "last_backup"}


def test_too_little_free_disk_makes_the_box_unhealthy(app, client):
    app.config["HEALTH_MIN_FREE_MB"] = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unhealthy" and response.get_json()["checks"]["disk"]["ok"] is False


def test_a_database_that_does_not_answer_makes_the_box_unhealthy(app, client):
    db.engine.dispose()
    (app.config["DATA_DIR"] / "academy.sqlite3").write_bytes(b"this is no longer a database" * 200)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["checks"]["database"] == {"ok": False}


def test_no_course_loaded_makes_the_box_unhealthy(app, client, tmp_path):
    empty = tmp_path / "no-courses"
    empty.mkdir()
    app.extensions["academy.library"] = LibraryCache(empty, app.config["LANGUAGES"], 0, app.logger)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["courses"] == {"ok": False, "loaded": 0, "refused": 0}


def test_the_health_check_writes_nothing(app, client):
    database = app.config["DATA_DIR"] / "academy.sqlite3"
    db.engine.dispose()
    before = database.stat().st_mtime_ns, database.stat().st_size
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert (database.stat().st_mtime_ns, database.stat().st_size) == before
    wal = database.with_name("academy.sqlite3-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_last_daily_backup_is_reported(app, client):
    backups.create_backup(app, backups.backup_dir(app))
    assert client.get("/healthz").get_json()["last_backup"] is not None
