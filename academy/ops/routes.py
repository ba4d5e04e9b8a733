"""`/healthz` for the admin's monitoring: no sign-in, JSON, 200 when the box
is healthy and 503 when it is not. It names no secret and no version but the
app's."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .. import __version__
from ..library import get_library
from .health import health_report

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    report, healthy = health_report(current_app, get_library())
    response = jsonify({"version": __version__, **report})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
