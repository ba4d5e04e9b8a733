"""The reader: catalog, course pages, lessons and course media."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from . import routes  # noqa: E402,F401
