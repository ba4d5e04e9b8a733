"""Learning paths: in the catalog, on their own page, started with one
button, followed on "My learning" with their certificate."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..certificates import services as certificates
from ..content import content_language
from ..extensions import db
from ..i18n import language
from ..learn import learning_paths as paths
from ..library import get_library
from ..messages import message_for

bp = Blueprint("learning_paths", __name__)

#: The roles of content/paths.py RECOMMENDED_FOR, as learners read them.
ROLE_WORDS = {
    "worker": _l("Workers"),
    "supervisor": _l("Supervisors"),
    "manager": _l("Managers"),
    "hr": _l("HR staff"),
    "trainer": _l("Trainers"),
    "buyer": _l("Buyers and brands"),
}


def _path_or_404(path_id: str):
    path = get_library().get_path(path_id)
    if path is None:
        abort(404)
    return path


@bp.get("/paths/<path_id>/")
def path(path_id: str):
    path = _path_or_404(path_id)
    library = get_library()
    lang = content_language(path, str(get_locale()))
    progress = paths.path_progress(current_user, path, library)
    certificate = (certificates.active_certificate(current_user.id, path.key)
                   if current_user.is_authenticated else None)
    return render_template("paths/path.html", path=path, text=path.text(lang), lang=lang,
                           content_dir=language(lang).direction, progress=progress, certificate=certificate)


@bp.post("/paths/<path_id>/start")
@login_required
def start(path_id: str):
    path = _path_or_404(path_id)
    library = get_library()
    try:
        paths.enrol_in_path(current_user, path, library)
        issued = certificates.issue_path_certificates(current_user, library)
    except paths.PathError as exc:
        flash(message_for(exc), "error")
        return redirect(url_for(".path", path_id=path.id))
    db.session.commit()
    if issued:
        flash(_("You have already completed every course of this path. Its certificate is ready under “My learning”."), "info")
    else:
        flash(_("You are on this learning path. Its courses are on “My learning”."), "info")
    following = paths.path_progress(current_user, path, library).next_course()
    if following is None:
        return redirect(url_for(".path", path_id=path.id))
    return redirect(url_for("catalog.course", course_id=following.course_id))


@bp.app_template_global("catalog_paths")
def catalog_paths_global() -> list:
    """For the catalog: every path, by title in the reader's language."""
    ui = str(get_locale())
    found = get_library().paths.values()
    return sorted(found, key=lambda p: p.text(content_language(p, ui)).title.casefold())


@bp.app_template_global("my_paths")
def my_paths_global() -> list:
    """For "My learning": the learner's paths, each with its certificate."""
    if not current_user.is_authenticated:
        return []
    return [(item, certificates.active_certificate(current_user.id, item.path.key))
            for item in paths.my_paths(current_user, get_library())]


@bp.app_template_global("role_words")
def role_words_global() -> dict:
    return ROLE_WORDS
