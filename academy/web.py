"""Small helpers every blueprint's views share: finding a course or a 404,
safe redirect targets, the address printed on paper; the session cookie;
a form that is only a button; spreadsheet cells that stay text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf import FlaskForm
from flask_wtf import csrf as flask_wtf_csrf
from itsdangerous import Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

from .content import Course, Lesson
from .library import get_library


def course_or_404(course_id: str) -> Course:
    course = get_library().get(course_id)
    if course is None:
        abort(404)
    return course


def lesson_or_404(course: Course, module_id: str, lesson_id: str) -> Lesson:
    lesson = course.lesson(module_id, lesson_id)
    if lesson is None:
        abort(404)
    return lesson


# What a browser's URL parser (WHATWG) does before it reads a URL: leading
# and trailing C0 controls and spaces go, tabs and newlines anywhere go, and a
# backslash counts as a slash. "/\t/evil.example" is "//evil.example" to it.
_C0_CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_AND_NEWLINES = re.compile("[\t\n\r]")
_CONTROLS = re.compile("[\x00-\x1f\x7f]")


def safe_next(target: str | None, default: str) -> str:
    """A redirect target from the request, if it is a path on this server
    once read the way a browser reads it (the normalised path is returned);
    otherwise ``default``. Never an open redirect."""
    if not target:
        return default
    path = _TAB_AND_NEWLINES.sub("", target.strip(_C0_CONTROLS_AND_SPACE)).replace("\\", "/")
    if not path.startswith("/") or path.startswith("//") or _CONTROLS.search(path):
        return default
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return default
    return path


#: The address printed when neither PUBLIC_URL nor the address `academy
#: serve` chose is known (Academy runs under a WSGI server of the admin's).
DEFAULT_PUBLIC_URL = "http://localhost:8080/"


def public_base_url() -> str:
    """The address printed on certificates, join sheets and slips: the
    configured PUBLIC_URL (ACADEMY_PUBLIC_URL), else the address `academy
    serve` chose at start (SERVE_URL), else :data:`DEFAULT_PUBLIC_URL`.

    Never the request's Host header: the client chooses it, and what is
    printed (and cached) is read by everyone afterwards."""
    app = current_app
    address = app.config.get("PUBLIC_URL") or app.config.get("SERVE_URL")
    if address:
        return address
    if not app.extensions.get("academy.public_url_warned"):
        app.extensions["academy.public_url_warned"] = True
        app.logger.warning("no public address is configured: certificates and join sheets print %s; "
                           "set ACADEMY_PUBLIC_URL to the address learners open", DEFAULT_PUBLIC_URL)
    return DEFAULT_PUBLIC_URL


def allow_larger_bodies(blueprint, limits) -> None:
    """Let some endpoints of ``blueprint`` take a body larger than
    MAX_CONTENT_LENGTH: ``limits`` maps an endpoint to a function of the
    config giving its limit in bytes. It runs as a URL value preprocessor,
    before the CSRF check reads the form, so those views keep the usual
    CSRF protection; every other view keeps MAX_CONTENT_LENGTH."""
    @blueprint.url_value_preprocessor
    def raise_body_limit(endpoint, values):
        limit = limits.get(endpoint)
        if limit is not None:
            request.max_content_length = limit(current_app.config)


class Uncompressed:
    """Mixed into an itsdangerous URL-safe serializer: no zlib step when
    writing (zlib lets go of the GIL on every call, a thread switch for a
    few hundred bytes); a compressed payload is still read."""

    def dump_payload(self, obj) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


class UncompressedTimedSerializer(Uncompressed, URLSafeTimedSerializer):
    pass


def sign_form_tokens_uncompressed() -> None:
    """Flask-WTF signs a CSRF token for every page with a form, with
    itsdangerous' serializer, zlib step included: give it the same
    serializer without it. The token is signed, salted and checked as
    before (a compressed one is still read)."""
    flask_wtf_csrf.URLSafeTimedSerializer = UncompressedTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed session cookie, two things cheaper. It is not
    compressed: zlib lets go of the GIL on every call, so reading a
    compressed cookie on each request handed the interpreter to another
    thread and back, for a cookie of a few hundred bytes. And its
    serializer is built once per set of keys, not on every request.
    Cookies written compressed before are still read."""

    serializer_class = UncompressedTimedSerializer

    def __init__(self):
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)  # the current key last
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = self.serializer_class(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})
        return serializer


class ConfirmForm(FlaskForm):
    """A button with nothing but its CSRF token (delete, revoke, remove)."""


# A cell starting with one of these is a formula to a spreadsheet: a name
# like "=HYPERLINK(...)" typed by a learner or an admin must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """A CSV or workbook cell that a spreadsheet shows, never runs; values
    other than text are kept as they are."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value
