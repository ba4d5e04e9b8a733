"""Tutor-led cohorts: guided classes run by local trainers."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from . import routes  # noqa: E402,F401
