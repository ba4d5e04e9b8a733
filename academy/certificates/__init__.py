"""Certificates: issuing, rendering to PDF in any script, and signing them so
anyone can verify one offline with the public key."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import routes  # noqa: E402,F401
