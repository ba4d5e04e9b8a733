"""Self-paced learning: enrolment, quizzes graded on the server, progress."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import routes  # noqa: E402,F401
