"""What `/healthz` reports: the database answers, courses are loaded, the
data folder's disk has room. Reads only; nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from . import backups


def _database_ok(app) -> bool:
    try:
        db.session.execute(text("SELECT version_num FROM alembic_version")).first()
        return True
    except SQLAlchemyError as exc:
        app.logger.warning("health check: the database does not answer: %s", str(exc).splitlines()[0])
        return False
    finally:
        db.session.rollback()


def health_report(app, library) -> tuple[dict, bool]:
    """(the report, whether the box is healthy)."""
    database = {"ok": _database_ok(app)}
    courses = {"ok": len(library.courses) > 0, "loaded": len(library.courses), "refused": len(library.refused)}
    minimum = int(app.config["HEALTH_MIN_FREE_MB"])
    try:
        free = shutil.disk_usage(Path(app.config["DATA_DIR"])).free // (1024 * 1024)
    except OSError:
        free = 0
    disk = {"ok": free >= minimum, "free_mb": free, "min_free_mb": minimum}
    checks = {"database": database, "courses": courses, "disk": disk}
    healthy = all(check["ok"] for check in checks.values())
    report = {"status": "ok" if healthy else "unhealthy", "checks": checks}
    if backups.sqlite_path(app) is not None:
        latest = backups.last_backup(app)
        report["last_backup"] = latest.isoformat(timespec="seconds") if latest else None
    return report, healthy
