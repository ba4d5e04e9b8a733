from __future__ import annotations

import math

from flask import Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import admin_required
from ..auth.models import User
from ..content import title_in
from ..domain import format_code
from ..extensions import db
from ..library import get_library
from ..messages import message_for
from ..ratelimit import RateLimiter
from ..settings import organisation_name
from ..sync.verify import verify_on_hub
from ..web import public_base_url
from . import services
from .forms import RevokeForm
from .labels import certificate_labels
from .models import Certificate
from .signing import PayloadInvalid, load_or_create_signing_key, public_key_text

bp = Blueprint("certificates", __name__)

#: The window of the /verify lookup limit, in seconds.
VERIFY_WINDOW = 60


@bp.record_once
def _set_up_lookup_limit(state):
    """One limiter per app process (see academy/ratelimit.py)."""
    state.app.extensions["academy.verify_limiter"] = RateLimiter(
        int(state.app.config["VERIFY_LOOKUPS_PER_MINUTE"]), VERIFY_WINDOW)


def certificate_subject(certificate: Certificate, library):
    """The course a certificate is for, or its learning path; None if gone."""
    return library.course_or_path(certificate.course_id)


def path_course_titles(certificate: Certificate, library, language: str) -> tuple[str, ...]:
    """The titles a path certificate lists, in ``language`` where a course has it."""
    return tuple(title_in(library, course_id, language) for course_id in certificate.course_ids or ())


def certificate_language(certificate: Certificate, course, wanted: str | None) -> str:
    if course is None:
        return wanted or str(get_locale())
    for candidate in (wanted, str(get_locale()), course.source_language):
        if candidate and course.has_language(candidate):
            return candidate
    return course.source_language


@bp.get("/certificates/<certificate_id>.pdf")
@login_required
def pdf(certificate_id: str):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or (certificate.user_id != current_user.id and not current_user.is_admin):
        abort(404)
    library = get_library()
    course = certificate_subject(certificate, library)
    language = certificate_language(certificate, course, request.args.get("lang"))
    title = course.text(language).title if course else certificate.course_id
    try:
        data = services.certificate_pdf(certificate, language, title, certificate_labels(language, len(certificate.tutors)),
                                        public_base_url(), current_app.config["DATA_DIR"],
                                        path_course_titles(certificate, library, language))
    except services.CertificateError as exc:
        if exc.code == "missing-glyphs":
            current_app.logger.warning("certificate %s: characters without a glyph: %s", certificate.id, exc.details["characters"])
        elif exc.code == "unsafe-logo":
            current_app.logger.error("certificate %s: %s; upload the logo again on the settings page", certificate.id,
                                     exc.details["reason"])
        else:
            raise
        flash(message_for(exc), "error")
        return redirect(url_for("learn.my_learning"))
    filename = f"certificate-{certificate.display_code}-{language}.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"'})


@bp.get("/verify")
def verify_form():
    code = request.args.get("code", "")
    if code:
        return redirect(url_for("certificates.verify", code=services.normalise_code(code) or "-"))
    return render_template("certificates/verify_form.html", public_key=_public_key_text())


def _public_key_text() -> str:
    return public_key_text(load_or_create_signing_key(current_app.config["DATA_DIR"]))


@bp.get("/verify/<code>")
def verify(code: str):
    # Codes are hard to guess (31^8), but a lookup costs a query and a page:
    # a flood from one address is turned away (/verify?code= redirects here,
    # so a lookup through the form counts once).
    wait = current_app.extensions["academy.verify_limiter"].hit(request.remote_addr or "")
    if wait:
        response = make_response(render_template("certificates/too_many.html"), 429)
        response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        return response
    certificate = services.find_by_code(code)
    payload = request.args.get("p")
    if certificate is None and current_app.config.get("ROLE") == "hub":
        return _verify_on_hub(code, payload)
    payload_result = None
    if payload:
        try:
            fields = services.verify_offline(payload, _public_key_text())
            payload_result = "valid" if certificate is not None and fields["certificate_id"] == certificate.id \
                and fields["learner_name"] == certificate.learner_name else "mismatch"
        except PayloadInvalid:
            payload_result = "invalid"
    library = get_library()
    language = str(get_locale())
    title = title_in(library, certificate.course_id, language) if certificate else ""
    course_titles = path_course_titles(certificate, library, language) if certificate and certificate.is_path else ()
    status = 404 if certificate is None else 200
    return render_template("certificates/verify.html", certificate=certificate, course_title=title,
                           course_titles=course_titles, payload_result=payload_result,
                           public_key=_public_key_text(), code=code), status


@bp.get("/admin/certificates")
@admin_required
def admin_list():
    rows = db.session.execute(
        select(Certificate, User).join(User, User.id == Certificate.user_id).order_by(Certificate.issued_dt.desc())
    ).all()
    return render_template("certificates/admin.html", rows=rows, form=RevokeForm())


@bp.post("/admin/certificates/<certificate_id>/revoke")
@admin_required
def revoke(certificate_id: str):
    certificate = db.session.get(Certificate, certificate_id) or abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "error")
        return redirect(url_for("certificates.admin_list"))
    services.revoke(certificate, form.reason.data)
    db.session.commit()
    flash(_("Certificate %(code)s is revoked.", code=certificate.display_code), "info")
    return redirect(url_for("certificates.admin_list"))


@bp.post("/admin/certificates/<certificate_id>/reissue")
@admin_required
def reissue(certificate_id: str):
    certificate = db.session.get(Certificate, certificate_id) or abort(404)
    form = RevokeForm()
    course = certificate_subject(certificate, get_library())
    user = db.session.get(User, certificate.user_id)
    if course is None or not form.validate_on_submit():
        flash(_("Please give a reason."), "error")
        return redirect(url_for("certificates.admin_list"))
    new = services.reissue(certificate, user, course, organisation_name(), form.reason.data)
    db.session.commit()
    flash(_("Certificate %(old)s is replaced by %(new)s.", old=certificate.display_code, new=new.display_code), "info")
    return redirect(url_for("certificates.admin_list"))


def _verify_on_hub(code: str, payload: str | None):
    """sync: on a hub, a certificate any registered box issued."""
    verification = verify_on_hub(code, payload)
    library, language = get_library(), str(get_locale())
    titles = {found.certificate.id: title_in(library, found.certificate.course_id, language)
              for found in verification.found}
    status = 404 if verification.status in ("not-found", "unknown-key", "invalid") else 200
    return render_template("sync/verify.html", verification=verification, code=code, titles=titles,
                           format_code=format_code), status
