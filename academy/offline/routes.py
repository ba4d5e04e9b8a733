"""Routes that let a phone keep working when the factory Wi-Fi drops.

On every install (plain HTTP too) a lesson page keeps a quiz answered
without a connection in the browser and sends it later (static/js/store.js
and offline.js): ``/offline/csrf`` gives that replay a fresh CSRF token.

At a secure address (HTTPS, or localhost) a service worker (``/sw.js``)
also keeps whole courses: ``/offline/courses/<id>/<lang>.json`` lists what
to save. ``/ca`` and ``/ca.crt`` hand out the box's own certificate
authority over plain HTTP, so that phones can trust the secure address."""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import urlsplit

from cryptography.x509.oid import NameOID
from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .. import __version__
from ..content import content_language
from ..i18n import LANGUAGES, language
from ..paths import PACKAGE_DIR, resource
from ..pdf import qr_svg
from ..tls import der, fingerprint, read_ca, tls_files
from ..web import course_or_404

bp = Blueprint("offline", __name__)

# What every saved page needs besides itself (paths under /static).
ASSETS = (
    "css/academy.css", "js/store.js", "js/offline.js", "js/save.js", "js/order.js",
    "favicon.svg", "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-512.png", "icons/apple-touch-icon.png",
)
MEDIA_LINK = re.compile(r'(?:src|href)="(?:\.\./)*media/([^"#?]+)"')


@functools.cache
def build_version(static_folder: str) -> str:
    """Changes when Academy, its templates or the assets saved pages use
    change: a saved course is then fetched again."""
    digest = hashlib.sha256(__version__.encode())
    files = sorted((PACKAGE_DIR / "templates").rglob("*.html")) + [resource("static") / name for name in ASSETS]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def assets_version() -> str:
    """build_version of the static folder; every page asks (resource() looks at the disk)."""
    return build_version(str(resource("static")))


@bp.app_context_processor
def offline_helpers():
    return {"offline_assets_version": assets_version(), "offline_secure_address": _secure_root,
            "offline_box_ca": lambda: tls_files(current_app.config["DATA_DIR"]).ca_cert.is_file()}


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sw.js")
def service_worker():
    script = (resource("static") / "js" / "sw.js").read_text(encoding="utf-8")
    response = current_app.response_class(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new version is noticed on the next visit
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    icon = functools.partial(url_for, "static")
    body = {
        "name": "Academy",
        "short_name": "Academy",
        "description": _("Courses for people who work in supply chains; they work without internet."),
        "lang": language(str(get_locale())).html_lang,
        "dir": language(str(get_locale())).direction,
        "start_url": url_for("catalog.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d4b",
        "icons": [
            {"src": icon(filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": icon(filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon(filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": icon(filename="icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/offline")
def offline_page():
    """What a phone shows for a page it has not saved, while offline."""
    return render_template("offline/offline.html")


@bp.get("/offline/csrf")
def csrf():
    """A fresh CSRF token for answers sent from a phone's queue, and who is
    signed in (answers queued by someone else wait for them)."""
    user = current_user.id if current_user.is_authenticated else None
    return _no_store(jsonify(csrf_token=generate_csrf(), user=user))


def _media_of(course, lang: str) -> list[str]:
    """The course's media files that its pages in ``lang`` show."""
    html = [course.text(lang).description_html]
    for module in course.modules:
        html.append(module.text(lang).intro_html)
        for lesson in module.lessons:
            html.extend(part.html for part in lesson.text(lang).parts if hasattr(part, "html"))
    found = {name for chunk in html for name in MEDIA_LINK.findall(chunk)}
    return sorted(found & set(course.media))


@bp.get("/offline/courses/<course_id>/<lang>.json")
def course_manifest(course_id: str, lang: str):
    """What a phone saves of a course for a reader of ``lang``: the course
    page, every lesson (in the reader's language, as the server shows it to
    them: a lesson page has no answer key), the media they show, and the
    assets. ``version`` changes with the course, the language or Academy."""
    course = course_or_404(course_id)
    if lang not in LANGUAGES:
        abort(404)
    shown = content_language(course, lang)
    pages = [url_for("catalog.course", course_id=course.id)] + [
        url_for("catalog.lesson", course_id=course.id, module_id=lesson.module_id, lesson_id=lesson.id)
        for lesson in course.lessons
    ]
    media = [url_for("catalog.media", course_id=course.id, name=name) for name in _media_of(course, shown)]
    assets = [url_for("offline.offline_page")] + [url_for("static", filename=name) for name in ASSETS]
    version = hashlib.sha256(f"{course.version}|{lang}|{assets_version()}".encode()).hexdigest()[:16]
    return _no_store(jsonify(
        course=course.id, language=lang, title=course.text(shown).title, url=pages[0], version=version,
        items=[{"url": url, "kind": "page"} for url in pages]
        + [{"url": url, "kind": "media"} for url in media]
        + [{"url": url, "kind": "asset"} for url in assets],
    ))


# -- the box's certificate authority, for phones -----------------------------

def _box_ca():
    ca = read_ca(tls_files(current_app.config["DATA_DIR"]))
    if ca is None:
        abort(404)
    return ca


def _hostname() -> str:
    """The host the reader reached the box by, without the port."""
    return urlsplit(request.host_url).hostname or "localhost"


def _in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host  # an IPv6 address


def _plain_http_root() -> str:
    """This box's plain HTTP address as the reader reached it (a phone that
    does not trust the box yet cannot open the secure one)."""
    if not request.is_secure or not current_app.config.get("HTTP_PORT"):
        return request.host_url
    return f"http://{_in_url(_hostname())}:{current_app.config['HTTP_PORT']}/"


def _secure_root() -> str | None:
    """The secure address of this box, on the host the reader reached it
    by if the box's certificate names it (else the name the admin gave)."""
    if request.is_secure:
        return request.host_url
    port = current_app.config.get("HTTPS_PORT")
    if not port:
        return None
    host = _hostname()
    covered = current_app.config.get("HTTPS_HOSTS")
    if covered is not None and host not in covered:
        host = current_app.config.get("HTTPS_NAME")
    return f"https://{_in_url(host)}:{port}/" if host else None


def _phone_kind() -> str | None:
    agent = request.user_agent.string
    if re.search(r"iPhone|iPad|iPod", agent):
        return "ios"
    if "Android" in agent:
        return "android"
    return None


def _common_name(cert) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return names[0].value if names else "Academy"


@bp.get("/ca")
def ca_page():
    ca = _box_ca()
    page_url = _plain_http_root() + "ca"
    return render_template(
        "offline/ca.html", fingerprint=fingerprint(ca), qr=qr_svg(page_url), page_url=page_url,
        secure_root=_secure_root(), phone=_phone_kind(), authority=_common_name(ca),
    )


@bp.get("/ca.crt")
def ca_certificate():
    response = current_app.response_class(der(_box_ca()), mimetype="application/x-x509-ca-cert")
    response.headers["Content-Disposition"] = "attachment; filename=academy-ca.crt"
    return response
